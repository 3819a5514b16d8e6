using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Faults;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>Issue 14 "signalling races": Meta's webhooks overtake the responses to our own Graph requests.</summary>
public sealed class SignallingRaceTests
{
    private static readonly object LongPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } };

    [Fact]
    public async Task Ringing_and_answer_before_a_slow_connect_response_still_connect_the_call_with_media()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Users.Set(User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromMilliseconds(600)));
        // Longer than RINGING (0.5 s) and the answer (0.6 s) take; released below once both were delivered, so the
        // overtaking is certain, not a matter of timing. Below the Graph client's 15 s attempt timeout.
        product.Simulator.Faults.Inject(GraphFault.SlowResponse(TimeSpan.FromSeconds(12), edge: "calls"));

        var callId = await product.DialAcceptedAsync(User, LongPrompt);
        using (var overtaken = new CancellationTokenSource(Wait))
        {
            await product.Simulator.Webhooks.WaitUntilAsync(
                ds => ds.Any(d => d.State == WebhookDeliveryState.Delivered && d.BodyText.Contains("\"RINGING\"", StringComparison.Ordinal))
                    && ds.Any(d => d.State == WebhookDeliveryState.Delivered && d.BodyText.Contains("\"answer\"", StringComparison.Ordinal)),
                overtaken.Token);
        }

        // Both were answered 200 while our connect still waited: the call cannot know its wacid yet.
        Assert.Null((await product.Calls.GetAsync(callId)).Wacid());
        Assert.Single(product.GraphCallActions(), a => a == "connect");
        product.Simulator.Faults.ReleaseSlowResponses();

        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        var connected = await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        Assert.NotNull(connected.Wacid());
        Assert.True(product.Simulator.HangUpAsUser(connected.Wacid()!));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
        Assert.Equal("completed", ended.Outcome());
        Assert.Single(product.GraphCallActions(), a => a == "connect");
    }

    [Fact]
    public async Task User_hanging_up_while_pre_accept_is_slow_gets_no_accept()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Faults.Inject(GraphFault.SlowResponse(TimeSpan.FromSeconds(12), edge: "calls"));

        var simulated = await product.Simulator.StartInboundCallAsync(User);
        using (var held = new CancellationTokenSource(Wait))
        {
            await product.Simulator.Faults.SlowResponseHeld.WaitAsync(held.Token);
        }

        // pre_accept reached Meta and waits for its response; the user gives up: Meta's terminate webhook.
        Assert.Equal(["pre_accept"], product.GraphCallActions());
        Assert.True(product.Simulator.HangUpAsUser(simulated.Id));
        var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
        var ended = await product.Calls.WaitAsync(call.Id(), c => c.IsFinal(), Wait);
        product.Simulator.Faults.ReleaseSlowResponses();
        // The node's AnswerReady is the request that sent pre_accept: once it is acknowledged, the flow is done.
        await product.Tap.WaitForAsync(
            e => e.Event is Serverless.Shared.Media.AnswerReady a && a.CallId == call.Id() && e.FunctionsStatus == 200, Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal(["pre_accept"], product.GraphCallActions());
        Assert.Null(product.Simulator.Calls.Single(c => c.Id == simulated.Id).ConnectedAt);
    }
}
