using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Phone;

public sealed class PhoneSeamTests
{
    [Fact]
    public async Task Factory_gets_the_call_context_and_the_phone_sees_offer_and_hang_up()
    {
        var factory = new ScriptedPhoneFactory();
        await using var h = await SimulatorHarness.StartAsync(o => o.PhoneFactory = factory);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1), hangUpAfter: TimeSpan.FromSeconds(2)));

        var callId = await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await h.Receiver.WaitForAsync(4);

        var (context, phone) = Assert.Single(factory.Created);
        Assert.Equal(callId, context.CallId);
        Assert.Equal(SimulatedCallDirection.BusinessInitiated, context.Direction);
        Assert.Equal(SimulatorHarness.User, context.UserWaId);
        Assert.Equal(h.PhoneNumberId, context.BusinessPhoneNumberId);
        Assert.Equal(BusinessSdp.Offer, phone.ReceivedOffer);
        await phone.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Phone_ending_the_call_with_an_error_sends_terminate_FAILED_with_that_code()
    {
        var factory = new ScriptedPhoneFactory();
        await using var h = await SimulatorHarness.StartAsync(o => o.PhoneFactory = factory);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1)));
        await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        await h.Receiver.WaitForAsync(3);

        factory.Created[0].Phone.End(138021, "Media receive timeout");

        var last = (await h.Receiver.WaitForAsync(4))[3];
        var terminate = WebhookAssert.Call(last, h.Simulator.DefaultNumber, "terminate", "BUSINESS_INITIATED", h.Time.GetUtcNow());
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        Assert.Equal(138021, WebhookAssert.Value(last, h.Simulator.DefaultNumber).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Phone_that_cannot_answer_fails_the_call_setup_instead_of_sending_connect()
    {
        var factory = new ScriptedPhoneFactory { FailAnswer = true };
        await using var h = await SimulatorHarness.StartAsync(o => o.PhoneFactory = factory);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1)));
        await h.ConnectOkAsync();

        h.Time.Advance(TimeSpan.FromSeconds(1));

        var last = (await h.Receiver.WaitForAsync(2))[1];
        var terminate = WebhookAssert.Call(last, h.Simulator.DefaultNumber, "terminate", "BUSINESS_INITIATED", h.Time.GetUtcNow());
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        Assert.False(terminate.TryGetProperty("duration", out _));
        Assert.Equal(138019, WebhookAssert.Value(last, h.Simulator.DefaultNumber).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Phone_that_cannot_offer_fails_StartInboundCall_without_a_webhook_or_a_stuck_call()
    {
        var factory = new ScriptedPhoneFactory { FailOffer = true };
        await using var h = await SimulatorHarness.StartAsync(o => o.PhoneFactory = factory);

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Simulator.StartInboundCallAsync(SimulatorHarness.User));

        Assert.Equal(SimulatedCallPhase.Ended, Assert.Single(h.Simulator.Calls).Phase);
        Assert.Empty(h.Simulator.Webhooks.Deliveries);
        // The failed inbound call does not count as ongoing: the business can still call the user.
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        Assert.Equal(200, (await h.ConnectAsync()).Status);
    }

    private sealed class ScriptedPhoneFactory : ISimulatedPhoneFactory
    {
        public bool FailAnswer { get; init; }

        public bool FailOffer { get; init; }

        public List<(SimulatedPhoneContext Context, ScriptedPhone Phone)> Created { get; } = [];

        public ISimulatedPhone Create(SimulatedPhoneContext context)
        {
            var phone = new ScriptedPhone(FailAnswer, FailOffer);
            lock (Created)
            {
                Created.Add((context, phone));
            }

            return phone;
        }
    }

    private sealed class ScriptedPhone(bool failAnswer, bool failOffer) : ISimulatedPhone
    {
        private readonly SdpOnlyPhone _sdp = new();

        public event EventHandler<SimulatedPhoneEndedEventArgs>? Ended;

        public string? ReceivedOffer { get; private set; }

        public TaskCompletionSource HungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void End(int code, string reason) => Ended?.Invoke(this, new SimulatedPhoneEndedEventArgs(code, reason));

        public Task<string> CreateOfferAsync(CancellationToken cancellationToken) =>
            failOffer ? Task.FromException<string>(new InvalidOperationException("no audio device")) : _sdp.CreateOfferAsync(cancellationToken);

        public Task<string> AnswerAsync(string offerSdp, CancellationToken cancellationToken)
        {
            ReceivedOffer = offerSdp;
            return failAnswer
                ? Task.FromException<string>(new InvalidOperationException("ICE gathering failed"))
                : _sdp.AnswerAsync(offerSdp, cancellationToken);
        }

        public Task ApplyAnswerAsync(string answerSdp, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task HangUpAsync(CancellationToken cancellationToken)
        {
            HungUp.TrySetResult();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
