using Serverless.Functions.Tests.App;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

/// <summary>Issue 14 "signalling races": a Meta event lands while one of our Graph requests is in flight.</summary>
public sealed class SignallingRaceTests
{
    private static readonly TimeSpan Timeout = OutboundFlowTests.Timeout;

    [Fact]
    public async Task User_hanging_up_while_pre_accept_is_in_flight_gets_no_accept()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.RACE-PREACCEPT";
        var preAccept = app.Graph.Hold("pre_accept");

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        using var wait = new CancellationTokenSource(Timeout);
        await app.Graph.WaitForRequestAsync(r => r.Action == "pre_accept", wait.Token);
        // The user gives up while our pre_accept waits for Meta's answer: Meta's terminate webhook comes first.
        await app.DeliverAsync(MetaWebhooks.Terminate(wacid, "FAILED", outbound: false, duration: null));
        preAccept.SetResult();
        var callId = await app.Node.Acked<AnswerReady>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "noAnswer"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
        Assert.DoesNotContain("accepted", OutboundFlowTests.Triggers(call));
        Assert.DoesNotContain("graphError", OutboundFlowTests.Triggers(call));
    }

    [Fact]
    public async Task Business_hang_up_while_pre_accept_is_in_flight_rejects_once_and_never_accepts()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.RACE-DELETE";
        var preAccept = app.Graph.Hold("pre_accept");

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        using var wait = new CancellationTokenSource(Timeout);
        await app.Graph.WaitForRequestAsync(r => r.Action == "pre_accept", wait.Token);
        var callId = await app.Node.Received<StartInbound>().WaitAsync(Timeout);
        using (var hangUp = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative)))
        {
            Assert.True(hangUp.IsSuccessStatusCode);
        }

        preAccept.SetResult();
        await app.Node.Acked<AnswerReady>().WaitAsync(Timeout);

        // Our own ending is carried to Meta (reject: never accepted); the accept after it is not sent.
        Assert.Equal(["pre_accept", "reject"], app.Graph.Actions);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "businessHangup"), (call.GetProperty("state").GetString(), call.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task Business_hang_up_while_accept_is_in_flight_terminates_when_meta_refuses_the_reject()
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.RACE-ACCEPT";
        var accept = app.Graph.Hold("accept");
        // Meta took our accept before our reject: the call is no longer ringing there (the simulator answers the same).
        app.Graph.Fail("reject", 400, 100, "Action reject is not allowed for call wacid.RACE-ACCEPT in its current state");

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        using var wait = new CancellationTokenSource(Timeout);
        await app.Graph.WaitForRequestAsync(r => r.Action == "accept", wait.Token);
        var callId = await app.Node.Received<StartInbound>().WaitAsync(Timeout);
        using (var hangUp = await app.Client.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative)))
        {
            Assert.True(hangUp.IsSuccessStatusCode);
        }

        await app.Graph.WaitForRequestAsync(r => r.Action == "terminate", wait.Token);
        accept.SetResult();
        await app.Node.Acked<AnswerReady>().WaitAsync(Timeout);

        // Without the terminate the user would stay in a connected call that nobody serves.
        Assert.Equal(["pre_accept", "accept", "reject", "terminate"], app.Graph.Actions);
        Assert.All(app.Graph.Requests.Where(r => r.Action is "reject" or "terminate"), r => Assert.Equal(wacid, r.CallId));
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "businessHangup"), (call.GetProperty("state").GetString(), call.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task Ringing_and_answer_delivered_before_the_connect_response_are_applied_when_it_arrives()
    {
        await using var app = await CallingApp.StartAsync();
        var connect = app.Graph.Hold("connect");
        var wacid = FakeGraph.WacidFor(1);

        using var dial = await app.DialAsync(new { to = "+" + CallingApp.User });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        using var wait = new CancellationTokenSource(Timeout);
        await app.Graph.WaitForRequestAsync(r => r.Action == "connect", wait.Token);
        // Meta is faster with its webhooks than with the response to our connect.
        await app.DeliverAsync(MetaWebhooks.Status(wacid, "RINGING"));
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        Assert.Equal("preparing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
        connect.SetResult();
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(Timeout);

        var call = await app.GetCallAsync(callId);
        Assert.Equal("connected", call.GetProperty("state").GetString());
        // Held, then applied right after the connect response named the wacid.
        Assert.Equal(["created", "offerReady", "connectSent", "statusRinging", "answerReceived", "mediaConnected"], OutboundFlowTests.Triggers(call));
        var apply = Assert.IsType<ApplyAnswer>(app.Node.CommandsFor(callId)[1]);
        Assert.Equal(MetaWebhooks.UserSdp, apply.Sdp);
        Assert.Empty(await HeldRowsAsync(app));
    }

    [Fact]
    public async Task A_held_webhook_past_its_window_is_ignored_and_the_sweeper_purges_it()
    {
        await using var app = await CallingApp.StartAsync(s => s["Calls:HeldWebhookWindow"] = "00:00:01");
        var connect = app.Graph.Hold("connect");
        var wacid = FakeGraph.WacidFor(1);

        using var dial = await app.DialAsync(new { to = "+" + CallingApp.User });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        using var wait = new CancellationTokenSource(Timeout);
        await app.Graph.WaitForRequestAsync(r => r.Action == "connect", wait.Token);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.DeliverAsync(MetaWebhooks.Terminate("wacid.NEVER-OURS", "FAILED", outbound: true, duration: null));
        Assert.Equal(2, (await HeldRowsAsync(app)).Count);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        connect.SetResult();
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);

        var call = await app.GetCallAsync(callId);
        Assert.Equal("ringing", call.GetProperty("state").GetString());
        Assert.DoesNotContain("answerReceived", OutboundFlowTests.Triggers(call));
        Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is ApplyAnswer);

        await app.Host.RunTimerAsync("Sweeper");
        Assert.Empty(await HeldRowsAsync(app));
    }

    private static async Task<List<Azure.Data.Tables.TableEntity>> HeldRowsAsync(CallingApp app)
    {
        var table = Calls.AzuriteTables.Client().GetTableClient(app.TablePrefix + "HeldWebhooks");
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }
}
