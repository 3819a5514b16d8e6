using System.Net;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

public sealed class InboundFlowTests
{
    private static readonly TimeSpan Timeout = OutboundFlowTests.Timeout;

    [Fact]
    public async Task Inbound_happy_path_pre_accepts_and_accepts_with_the_same_sdp()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.INBOUND1";

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        var connected = await app.GetCallAsync(callId);
        Assert.Equal("connected", connected.GetProperty("state").GetString());
        Assert.Equal("inbound", connected.GetProperty("direction").GetString());

        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: false, duration: 30));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Collection(
            app.Graph.Requests,
            r => Assert.Equal(("pre_accept", wacid, "answer", MediaNodeDouble.AnswerSdp), (r.Action, r.CallId, r.SdpType, r.Sdp)),
            r => Assert.Equal(("accept", wacid, "answer", MediaNodeDouble.AnswerSdp), (r.Action, r.CallId, r.SdpType, r.Sdp)));
        Assert.All(app.Graph.Requests, r => Assert.Equal(CallingApp.PhoneNumberId, r.PhoneNumberId));

        var start = Assert.IsType<StartInbound>(app.Node.CommandsFor(callId)[0]);
        Assert.Equal(MetaWebhooks.UserSdp, start.OfferSdp);
        var hangup = Assert.IsType<Hangup>(app.Node.CommandsFor(callId)[^1]);
        Assert.Equal((1L, HangupReason.User, "node-1"), (hangup.Sequence, hangup.Reason, hangup.NodeId));

        var call = await app.GetCallAsync(callId);
        Assert.Equal("ended", call.GetProperty("state").GetString());
        Assert.Equal("completed", call.GetProperty("outcome").GetString());
        Assert.Equal("userHangup", call.GetProperty("endReason").GetString());
        Assert.Equal("+" + CallingApp.User, call.GetProperty("to").GetString());
        Assert.Equal(wacid, call.GetProperty("wacid").GetString());
        Assert.Equal(30, call.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(2000, call.GetProperty("media").GetProperty("packetsReceived").GetInt64());
        Assert.Equal(
            ["created", "answerReady", "accepted", "mediaConnected", "terminated", "mediaStatsReported"],
            OutboundFlowTests.Triggers(call));
    }

    [Fact]
    public async Task Inbound_call_is_rejected_when_the_media_node_has_no_capacity()
    {
        await using var app = await CallingApp.StartAsync();
        app.Node.Inbound = InboundScript.NoCapacity;
        const string wacid = "wacid.INBOUND2";

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        var callId = await app.Node.Acked<MediaFailed>().WaitAsync(Timeout);

        var request = Assert.Single(app.Graph.Requests);
        Assert.Equal(("reject", wacid), (request.Action, request.CallId));
        var call = await app.GetCallAsync(callId);
        Assert.Equal("failed", call.GetProperty("state").GetString());
        Assert.Equal("mediaFailed", call.GetProperty("endReason").GetString());
        Assert.Equal("capacity", call.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Equal("No media node had room for the call.", call.GetProperty("lastError").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Webhook_for_a_number_we_do_not_serve_is_acknowledged_and_not_processed()
    {
        await using var app = await CallingApp.StartAsync();

        using var response = await app.PostWebhookAsync(MetaWebhooks.InboundConnect("wacid.FOREIGN", CallingApp.NotOurPhoneNumberId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Empty(app.Graph.Requests);
        Assert.Empty(app.Node.Commands);
    }

    [Fact]
    public async Task Seed_guide_shaped_webhooks_without_metadata_serve_the_default_number()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.SEEDSHAPE";
        string Seed(object value) => System.Text.Json.JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = "waba-1", changes = new[] { new { field = "calls", value } } } },
        });

        await app.DeliverAsync(Seed(new
        {
            event_type = "call.connect", call_id = wacid, from = CallingApp.User, to = "16315553601", direction = "USER_INITIATED",
            session = new { sdp_type = "offer", sdp = MetaWebhooks.UserSdp },
        }));
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        await app.DeliverAsync(Seed(new { event_type = "call.terminate", call_id = wacid, status = "COMPLETED" }));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept", "accept"], app.Graph.Actions);
        Assert.All(app.Graph.Requests, r => Assert.Equal(CallingApp.PhoneNumberId, r.PhoneNumberId));
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", CallingApp.PhoneNumberId), (call.GetProperty("state").GetString(), call.GetProperty("from").GetString()));
    }
}
