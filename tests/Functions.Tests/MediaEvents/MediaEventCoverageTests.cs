using System.Net;
using System.Text.Json.Serialization;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Flows;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.MediaEvents;

/// <summary>
/// Every <see cref="MediaEvent"/> subtype of the shared contract has a handler in the Functions, as the OpenAPI test
/// pins the document to the routes: each one is signed and POSTed by the owning node over real HTTP, and an event
/// the dispatch has no case for is answered 501 <c>media-event-unhandled</c>. The node's side is
/// <c>MediaNode.Host.Tests/Unit/CommandHandlerCoverageTests</c>.
/// </summary>
public sealed class MediaEventCoverageTests
{
    [Fact]
    public void Every_media_message_subtype_is_registered_for_serialization()
    {
        var registered = typeof(MediaMessage).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false)
            .Cast<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();

        Assert.Empty(Subtypes<MediaMessage>().Where(t => !registered.Contains(t)).Select(t => t.Name));
    }

    [Fact]
    public async Task Every_media_event_subtype_is_handled_by_the_functions()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>(callId).WaitAsync(OutboundFlowTests.Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(OutboundFlowTests.Timeout);

        var samples = Samples(callId, app.Node.NodeId, app.Time.GetUtcNow());
        Assert.Equal(Subtypes<MediaEvent>().Select(t => t.Name), samples.Select(e => e.GetType()).Distinct().Select(t => t.Name).Order(StringComparer.Ordinal));

        foreach (var evt in samples)
        {
            using var response = await app.Node.SendAsync(evt);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{evt.MessageType}: {(int)response.StatusCode} {body}");
        }

        // The events were applied, not just acknowledged: the unprompted digits and the collect's input are on the call.
        var call = await app.GetCallAsync(callId);
        var inputs = call.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("digits").GetString()).ToList();
        Assert.Equal(["7", "12"], inputs);
        Assert.Equal("failed", call.GetProperty("state").GetString()); // MediaFailed came before MediaEnded
    }

    /// <summary>The concrete subtypes of <typeparamref name="TBase"/> in the shared contract, by name.</summary>
    internal static IReadOnlyList<Type> Subtypes<TBase>() =>
        [.. typeof(TBase).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TBase)) && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>One event of each type for a connected outbound call, in an order the call can take (the ending ones last).</summary>
    private static List<MediaEvent> Samples(string callId, string nodeId, DateTimeOffset now) =>
    [
        new OfferReady { CallId = callId, NodeId = nodeId, CreatedAt = now, Sdp = MediaNodeDouble.OfferSdp },
        new AnswerReady { CallId = callId, NodeId = nodeId, CreatedAt = now, Sdp = MediaNodeDouble.AnswerSdp },
        new MediaConnected { CallId = callId, NodeId = nodeId, CreatedAt = now },
        new DtmfReceived { CallId = callId, NodeId = nodeId, CreatedAt = now, Digits = "7" },
        new InputCollected
        {
            CallId = callId, NodeId = nodeId, CreatedAt = now,
            Input = new DigitInput { Digits = "12", EndedBy = InputEnd.Terminator, Terminator = "#", StartedAt = now, EndedAt = now },
        },
        new PlaybackFinished { CallId = callId, NodeId = nodeId, CreatedAt = now, PlayMessageId = "play-1" },
        new StreamEnded
        {
            CallId = callId, NodeId = nodeId, CreatedAt = now,
            Result = new StreamResult { Dialect = "twilio", Outcome = StreamOutcome.AgentClosed, FramesSent = 50, StartedAt = now, EndedAt = now },
        },
        // The agent console's events (a queue nobody is in: the call rings nobody; the leg ids name no leg: logged).
        new AgentRequested { CallId = callId, NodeId = nodeId, CreatedAt = now, Queue = "support", TimeoutSeconds = 30 },
        new AgentAnswerReady { CallId = callId, NodeId = nodeId, CreatedAt = now, LegId = "leg-1", Sdp = MediaNodeDouble.AnswerSdp },
        new AgentConnected { CallId = callId, NodeId = nodeId, CreatedAt = now, LegId = "leg-1" },
        new AgentLegEnded { CallId = callId, NodeId = nodeId, CreatedAt = now, LegId = "leg-1", Reason = AgentLegEndReason.Disconnected },
        new AgentRequestEnded { CallId = callId, NodeId = nodeId, CreatedAt = now, Queue = "support", Reason = AgentRequestEndReason.Timeout },
        // Not a media loss (ice-failed, media-timeout): a connected call waits for Meta's terminate on those.
        new MediaFailed { CallId = callId, NodeId = nodeId, CreatedAt = now, Reason = MediaFailureReason.DtlsFailed },
        new MediaEnded { CallId = callId, NodeId = nodeId, CreatedAt = now, Stats = MediaNodeDouble.FinalStats },
    ];
}
