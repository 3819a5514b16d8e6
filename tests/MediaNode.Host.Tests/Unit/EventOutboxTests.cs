using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode.Events;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class EventOutboxTests
{
    private static MediaConnected Event(string callId) => new() { CallId = callId, CreatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void KeepsEventsInOrder_AndOnlyTheHeadCanBeRemoved()
    {
        var outbox = new EventOutbox(10, NullLogger<EventOutbox>.Instance);
        var first = Event("a");
        var second = Event("b");
        outbox.Enqueue(first);
        outbox.Enqueue(second);

        Assert.Same(first, outbox.Peek());
        Assert.Throws<InvalidOperationException>(() => outbox.Remove(second));
        outbox.Remove(first);
        Assert.Same(second, outbox.Peek());
        Assert.Equal(1, outbox.Pending);
    }

    [Fact]
    public void WhenFull_RefusesAndCountsTheDrop()
    {
        var outbox = new EventOutbox(2, NullLogger<EventOutbox>.Instance);

        Assert.True(outbox.Enqueue(Event("a")));
        Assert.True(outbox.Enqueue(Event("b")));
        Assert.False(outbox.Enqueue(Event("c")));

        Assert.Equal(2, outbox.Pending);
        Assert.Equal(1, outbox.Dropped);
    }

    [Fact]
    public async Task WaitUntilEmpty_CompletesWhenTheLastEventIsRemoved()
    {
        var outbox = new EventOutbox(4, NullLogger<EventOutbox>.Instance);
        var only = Event("a");
        outbox.Enqueue(only);
        var empty = outbox.WaitUntilEmptyAsync(CancellationToken.None);
        Assert.False(empty.IsCompleted);

        outbox.Remove(only);

        await empty.WaitAsync(TestKit.Wait);
    }
}
