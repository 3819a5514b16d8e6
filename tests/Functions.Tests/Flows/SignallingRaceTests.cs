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
        Assert.Equal(("Ended", "NoAnswer"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
        Assert.DoesNotContain("Accepted", OutboundFlowTests.Triggers(call));
        Assert.DoesNotContain("GraphError", OutboundFlowTests.Triggers(call));
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
        Assert.Equal(("Ended", "BusinessHangup"), (call.GetProperty("state").GetString(), call.GetProperty("endReason").GetString()));
    }
}
