using System.Net;
using System.Text.Json;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

public sealed class OutboundFlowTests
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Outbound_happy_path_connects_then_user_hangs_up()
    {
        await using var app = await CallingApp.StartAsync();

        using var dial = await app.DialAsync(new { to = "+14155550123", metadata = new { order = "42" } });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var created = await CallingApp.ReadJsonAsync(dial);
        var callId = created.GetProperty("id").GetString()!;
        Assert.Equal("/api/calls/" + callId, dial.Headers.Location?.OriginalString);
        Assert.Equal("preparing", created.GetProperty("state").GetString());
        Assert.Equal("outbound", created.GetProperty("direction").GetString());

        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        Assert.Equal("ringing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());

        await app.DeliverAsync(MetaWebhooks.Status(wacid, "RINGING"));
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        Assert.Equal("connected", (await app.GetCallAsync(callId)).GetProperty("state").GetString());

        await app.DeliverAsync(MetaWebhooks.Status(wacid, "ACCEPTED"));
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 42));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        // Graph: exactly one connect, with our offer, for the user's number, from the default business number.
        var request = Assert.Single(app.Graph.Requests);
        Assert.Equal("connect", request.Action);
        Assert.Equal(CallingApp.PhoneNumberId, request.PhoneNumberId);
        Assert.Equal("14155550123", request.To);
        Assert.Equal("offer", request.SdpType);
        Assert.Equal(MediaNodeDouble.OfferSdp, request.Sdp);
        Assert.Equal("Bearer " + CallingApp.AccessToken, request.Authorization);

        // MediaNode: start, the answer, hang-up, in sequence order and routed to the owning node.
        var commands = app.Node.CommandsFor(callId);
        Assert.Collection(
            commands,
            c => Assert.Equal(0, Assert.IsType<StartOutbound>(c).Sequence),
            c =>
            {
                var apply = Assert.IsType<ApplyAnswer>(c);
                Assert.Equal((1, "node-1", MetaWebhooks.UserSdp), (apply.Sequence, apply.NodeId, apply.Sdp));
            },
            c =>
            {
                var hangup = Assert.IsType<Hangup>(c);
                Assert.Equal((2L, HangupReason.User), (hangup.Sequence, hangup.Reason));
            });

        var call = await app.GetCallAsync(callId);
        Assert.Equal("ended", call.GetProperty("state").GetString());
        Assert.Equal("completed", call.GetProperty("outcome").GetString());
        Assert.Equal("userHangup", call.GetProperty("endReason").GetString());
        Assert.Equal(wacid, call.GetProperty("wacid").GetString());
        Assert.Equal("+14155550123", call.GetProperty("to").GetString());
        Assert.Equal(CallingApp.PhoneNumberId, call.GetProperty("from").GetString());
        Assert.Equal(42, call.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("42", call.GetProperty("metadata").GetProperty("order").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("lastError").ValueKind);
        Assert.Equal(2100, call.GetProperty("media").GetProperty("packetsSent").GetInt64());
        Assert.Equal(
            ["created", "offerReady", "connectSent", "statusRinging", "answerReceived", "mediaConnected", "statusAccepted", "terminated", "mediaStatsReported"],
            Triggers(call));
    }

    internal static string[] Triggers(JsonElement call) =>
        [.. call.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("trigger").GetString()!)];
}
