using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.MediaNode.Commands;
using Serverless.MediaNode.Events;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Host.Tests.Unit;

/// <summary>
/// Every <see cref="MediaCommand"/> subtype of the shared contract has a case in the node's
/// <see cref="MediaCommandHandler"/> (an unknown one throws <see cref="NotSupportedException"/>): one of each is
/// dispatched and must complete. The Functions' side is <c>Functions.Tests/MediaEvents/MediaEventCoverageTests</c>.
/// </summary>
public sealed class CommandHandlerCoverageTests
{
    [Fact]
    public async Task Every_media_command_subtype_is_handled_by_the_node()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var registry = new SessionRegistry(4, time);
        var outbox = new EventOutbox(16, NullLogger<EventOutbox>.Instance);
        var context = new CallSessionContext(
            "node-1", TimeSpan.FromSeconds(10), time, outbox, registry,
            new MediaNodeMetrics(services.GetRequiredService<IMeterFactory>(), () => registry.ActiveCount, () => outbox.Pending, () => outbox.Dropped), NullLogger<CallSession>.Instance);
        using var peers = new PeerFactoryHost(Options.Create(new MediaNodeOptions()), time, NullLogger<PeerFactoryHost>.Instance);
        var handler = new MediaCommandHandler(peers, new RefusingAudio(), context, NullLogger<MediaCommandHandler>.Instance);

        var now = time.GetUtcNow();
        MediaCommand[] samples =
        [
            new StartOutbound { CallId = "out", CreatedAt = now },
            new StartInbound { CallId = "in", CreatedAt = now, OfferSdp = "v=0\r\n" },
            new ApplyAnswer { CallId = "gone", CreatedAt = now, Sdp = "v=0\r\n", Sequence = 1 },
            new Play { CallId = "gone", CreatedAt = now, Sequence = 2, Request = new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = 440 } },
            new Hangup { CallId = "gone", CreatedAt = now, Sequence = 3, Reason = HangupReason.Business },
            new ConnectAgent { CallId = "gone", CreatedAt = now, Sequence = 4, LegId = "leg-1", OfferSdp = "v=0\r\n", Agent = "agent-a" },
            new MuteAgent { CallId = "gone", CreatedAt = now, Sequence = 5, LegId = "leg-1", Muted = true },
            new DisconnectAgent { CallId = "gone", CreatedAt = now, Sequence = 6, LegId = "leg-1" },
        ];
        Assert.Equal(
            typeof(MediaCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(MediaCommand)) && !t.IsAbstract).Select(t => t.Name).Order(StringComparer.Ordinal),
            samples.Select(c => c.GetType().Name).Distinct().Order(StringComparer.Ordinal));

        foreach (var command in samples)
        {
            var ex = await Record.ExceptionAsync(() => handler.HandleAsync(command, CancellationToken.None));
            Assert.True(ex is null, $"{command.MessageType}: {ex}");
        }

        // The starts reached their case: the refused plan was reported for both calls; the hangup marked its call ended.
        var events = new List<MediaEvent>();
        while (outbox.TryTake() is { } taken)
        {
            events.Add(taken);
            outbox.Complete(taken);
        }

        var failed = events.OfType<MediaFailed>().Where(f => f.Reason == MediaFailureReason.PlanInvalid).Select(f => f.CallId).Order();
        Assert.Equal(["in", "out"], failed);
        Assert.True(registry.HasEnded("gone"));

        // The ConnectAgent for the call that ended here reached its case: the agent's page is told nobody waits.
        var notWaiting = Assert.Single(events.OfType<AgentLegEnded>());
        Assert.Equal(("gone", "leg-1", AgentLegEndReason.NotWaiting), (notWaiting.CallId, notWaiting.LegId, notWaiting.Reason));
    }

    private sealed class RefusingAudio : ICallAudioFactory
    {
        public bool TryCreate(string callId, System.Text.Json.JsonElement? audioPlan, out ICallAudio? audio, out string? error)
        {
            (audio, error) = (null, "refused by the test");
            return false;
        }
    }
}
