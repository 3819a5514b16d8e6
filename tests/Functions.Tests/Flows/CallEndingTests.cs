using System.Net;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

/// <summary>Every way a call ends other than the happy path's user hang-up.</summary>
public sealed class CallEndingTests
{
    private static readonly TimeSpan Timeout = OutboundFlowTests.Timeout;

    [Fact]
    public async Task Meta_error_138006_on_connect_fails_the_call_with_problem_type_no_call_permission_and_frees_the_node()
    {
        await using var app = await CallingApp.StartAsync();
        app.Graph.Fail("connect", 401, 138006, "No approved call permission found");

        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["connect"], app.Graph.Actions);
        var hangup = Assert.IsType<Hangup>(app.Node.CommandsFor(callId)[^1]);
        Assert.Equal((1L, HangupReason.Failed, "node-1"), (hangup.Sequence, hangup.Reason, hangup.NodeId));

        var call = await app.GetCallAsync(callId);
        Assert.Equal("failed", call.GetProperty("state").GetString());
        Assert.Equal("metaError", call.GetProperty("endReason").GetString());
        var error = call.GetProperty("lastError");
        Assert.Equal("meta-138006", error.GetProperty("code").GetString());
        Assert.Equal("No approved call permission found", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Other_Meta_errors_on_connect_keep_their_code_in_the_error_code()
    {
        await using var app = await CallingApp.StartAsync();
        app.Graph.Fail("connect", 400, 138001, "Receiver is incapable of receiving this call");

        var callId = await DialAsync(app);
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        var error = (await app.GetCallAsync(callId)).GetProperty("lastError");
        Assert.Equal("meta-138001", error.GetProperty("code").GetString());
        Assert.Equal("Receiver is incapable of receiving this call", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task User_rejecting_the_outbound_call_ends_it_as_rejected_whatever_the_terminate_says()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);

        await app.DeliverAsync(MetaWebhooks.Status(wacid, "RINGING"));
        await app.DeliverAsync(MetaWebhooks.Status(wacid, "REJECTED"));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "FAILED", outbound: true, duration: null));

        Assert.Equal(["connect"], app.Graph.Actions);
        var hangup = Assert.IsType<Hangup>(app.Node.CommandsFor(callId)[^1]);
        Assert.Equal(HangupReason.Rejected, hangup.Reason);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "rejected", "rejected"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task Business_hang_up_via_DELETE_terminates_at_Meta_and_hangs_up_the_node_once()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        using var first = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("ended", (await CallingApp.ReadJsonAsync(first)).GetProperty("state").GetString());
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        using var again = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // Meta's terminate webhook follows our terminate; it changes nothing.
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 5));

        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        Assert.Equal(wacid, app.Graph.Requests[1].CallId);
        Assert.Single(app.Node.CommandsFor(callId), c => c is Hangup { Reason: HangupReason.Business, Sequence: 2 });
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "completed", "businessHangup"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task A_call_cut_by_its_nodes_drain_deadline_fails_node_drained_with_one_terminate_and_keeps_the_nodes_report()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        var commandsBefore = app.Node.CommandsFor(callId).Count;

        // The node got SIGTERM and its DrainTimeout passed with the call up: it ends the media itself.
        var ended = new MediaEnded
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats, Reason = HangupReason.NodeDrained,
        };
        await app.Node.PostAsync(ended);
        await app.Node.PostAsync(ended); // redelivered: the same fact
        // Meta's terminate webhook follows ours; it changes nothing.
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 5));

        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        Assert.Equal(commandsBefore, app.Node.CommandsFor(callId).Count); // no Hangup to a node that ended the media and is going away
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "failed", "mediaFailed", "node-drained"),
            (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString(),
                call.GetProperty("lastError").GetProperty("code").GetString()));
        Assert.Equal(MediaNodeDouble.FinalStats.PacketsSent, call.GetProperty("media").GetProperty("packetsSent").GetInt64());
    }

    [Fact]
    public async Task A_node_ending_the_media_for_another_reason_still_completes_the_call()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        // The plan's hangup step (reason Completed): not a drain.
        await app.Node.PostAsync(new MediaEnded
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats, Reason = HangupReason.Completed,
        });

        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "completed"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Sweeper_ends_a_call_ringing_past_its_deadline_with_terminate_and_hangup()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);

        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal("ringing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(91));
        await app.Host.RunTimerAsync("Sweeper");
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        var hangup = Assert.IsType<Hangup>(app.Node.CommandsFor(callId)[^1]);
        Assert.Equal(HangupReason.NoAnswer, hangup.Reason);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "noAnswer", "timeout"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString()));
        Assert.Equal("timeout", call.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Equal("No progress in state ringing before its deadline.", call.GetProperty("lastError").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sweeper_rejects_an_inbound_call_whose_node_stayed_silent_inside_the_answer_window()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        const string wacid = "wacid.SILENT";
        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));

        app.Time.Advance(TimeSpan.FromSeconds(46));
        await app.Host.RunTimerAsync("Sweeper");

        var request = Assert.Single(app.Graph.Requests);
        Assert.Equal(("reject", wacid), (request.Action, request.CallId));
        using var list = await app.Client.GetAsync(new Uri("api/calls?state=Failed", UriKind.Relative));
        var call = Assert.Single((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Equal("timeout", call.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Media_lost_on_a_connected_call_fails_it_and_terminates_at_Meta_when_Meta_never_ends_it()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        await LoseMediaAsync(app, callId);

        // Meta's terminate may be on its way (the user hung up while we could not hear it): nothing is sent yet.
        Assert.Equal(["connect"], app.Graph.Actions);
        var waiting = await app.GetCallAsync(callId);
        Assert.Equal(("connected", "ice-failed"), (waiting.GetProperty("state").GetString(), waiting.GetProperty("lastError").GetProperty("code").GetString()));
        app.Time.Advance(TimeSpan.FromSeconds(44));
        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal(["connect"], app.Graph.Actions);

        app.Time.Advance(TimeSpan.FromSeconds(2)); // past Calls:MediaLossWindow (45 s) without a word from Meta
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "mediaFailed", "ice-failed", "ICE failed: no candidate pair succeeded."),
            (call.GetProperty("state").GetString(), call.GetProperty("endReason").GetString(), call.GetProperty("lastError").GetProperty("code").GetString(),
                call.GetProperty("lastError").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_users_hang_up_heard_late_wins_over_the_nodes_media_loss_Completed_and_no_Graph_action_after_the_end()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        // The user hung up during a Functions outage: the node's media-loss report arrives first, Meta's terminate later.
        await LoseMediaAsync(app, callId);
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 40));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal(["connect"], app.Graph.Actions); // no terminate Meta would refuse
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "completed", "userHangup"),
            (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString()));
        Assert.False(call.TryGetProperty("lastError", out var error) && error.ValueKind != System.Text.Json.JsonValueKind.Null, call.ToString());
        Assert.Equal(40, call.GetProperty("durationSeconds").GetDouble());
    }

    /// <summary>The node's side of a media loss: its failure report, then its session's final report.</summary>
    private static async Task LoseMediaAsync(CallingApp app, string callId)
    {
        await app.Node.PostAsync(new MediaFailed
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Reason = MediaFailureReason.IceFailed,
        });
        await app.Node.PostAsync(new MediaEnded { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats });
    }

    [Fact]
    public async Task Hang_up_before_the_offer_places_no_call_and_frees_the_node_that_answers_late()
    {
        await using var app = await CallingApp.StartAsync();
        app.Node.Outbound = OutboundScript.Silent;
        var callId = await DialAsync(app);
        await app.Node.Received<StartOutbound>().WaitAsync(Timeout);

        using var delete = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        Assert.Equal("ended", (await CallingApp.ReadJsonAsync(delete)).GetProperty("state").GetString());
        await app.Node.PostAsync(new OfferReady { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp });
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Empty(app.Graph.Requests);
        var hangup = Assert.IsType<Hangup>(app.Node.CommandsFor(callId)[^1]);
        Assert.Equal((1L, HangupReason.Business), (hangup.Sequence, hangup.Reason));
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "cancelled"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_failed_inbound_accept_fails_the_call_with_Metas_code_and_rejects_it()
    {
        await using var app = await CallingApp.StartAsync();
        app.Graph.Fail("accept", 500, 138007, "Connect Timeout");
        const string wacid = "wacid.ACCEPTFAIL";

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        var callId = await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept", "accept", "reject"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal("failed", call.GetProperty("state").GetString());
        Assert.Equal(("meta-138007", "Connect Timeout"),
            (call.GetProperty("lastError").GetProperty("code").GetString(), call.GetProperty("lastError").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_failed_Graph_terminate_still_ends_the_call_and_hangs_up_the_node()
    {
        await using var app = await CallingApp.StartAsync();
        app.Graph.Fail("terminate", 400, 100, "Invalid parameter");
        var callId = await DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);

        using var delete = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
        Assert.Equal(("ended", "cancelled"), ((await app.GetCallAsync(callId)).GetProperty("state").GetString(), (await app.GetCallAsync(callId)).GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Terminate_with_Metas_error_fails_a_connected_call_with_that_code()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.MEDIATIMEOUT";
        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "FAILED", outbound: false, duration: 20, errorCode: 138021));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept", "accept"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "metaError", "meta-138021"),
            (call.GetProperty("state").GetString(), call.GetProperty("endReason").GetString(), call.GetProperty("lastError").GetProperty("code").GetString()));
    }

    internal static async Task<string> DialAsync(CallingApp app, string? idempotencyKey = null)
    {
        using var dial = await app.DialAsync(new { to = "+14155550123" }, idempotencyKey);
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        return (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
    }
}
