using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.StorageQueues;

namespace Serverless.Shared.Tests.Transport;

public sealed class AdaptivePollTests
{
    private static readonly MediaTransportOptions Options = new()
    {
        PollInterval = TimeSpan.FromSeconds(1),
        ActivePollInterval = TimeSpan.FromMilliseconds(50),
        ActivePollWindow = TimeSpan.FromMinutes(2),
    };

    [Fact]
    public void Polls_stay_short_from_start_and_after_a_message_within_the_window()
    {
        var time = new FakeTimeProvider();
        var poll = new AdaptivePoll(Options, time);

        Assert.Equal(TimeSpan.FromMilliseconds(50), poll.NextWait());
        time.Advance(TimeSpan.FromSeconds(100));
        poll.Received(1);
        time.Advance(TimeSpan.FromSeconds(119));

        Assert.Equal(TimeSpan.FromMilliseconds(50), poll.NextWait());
    }

    [Fact]
    public void Idle_polls_back_off_by_doubling_to_the_poll_interval_and_a_message_resets_them()
    {
        var time = new FakeTimeProvider();
        var poll = new AdaptivePoll(Options, time);
        time.Advance(TimeSpan.FromMinutes(2));

        var waits = Enumerable.Range(0, 7).Select(_ => poll.NextWait().TotalMilliseconds).ToArray();
        poll.Received(0);
        var stillIdle = poll.NextWait();
        poll.Received(3);
        var afterMessage = poll.NextWait();

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000], waits);
        Assert.Equal(TimeSpan.FromSeconds(1), stillIdle);
        Assert.Equal(TimeSpan.FromMilliseconds(50), afterMessage);
    }

    [Fact]
    public void An_active_interval_above_the_poll_interval_is_capped_by_it()
    {
        var poll = new AdaptivePoll(new MediaTransportOptions { PollInterval = TimeSpan.FromMilliseconds(20), ActivePollInterval = TimeSpan.FromMilliseconds(50) }, new FakeTimeProvider());

        Assert.Equal(TimeSpan.FromMilliseconds(20), poll.NextWait());
    }
}
