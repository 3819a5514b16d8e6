using System.Text.Json;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Webhooks;

public sealed class InboundCallTests
{
    private const string Success = """{"messaging_product":"whatsapp","success":true}""";
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Inbound_call_sends_connect_webhook_with_the_phones_offer_and_caller_contact()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var t0 = h.Time.GetUtcNow();

        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User, new InboundCallOptions { ProfileName = "Ada", DeeplinkPayload = "promo-1" });

        var received = (await h.Receiver.WaitForAsync(1))[0];
        var connect = WebhookAssert.Call(received, h.Simulator.DefaultNumber, "connect", "USER_INITIATED", t0);
        Assert.Equal(call.Id, connect.GetProperty("id").GetString());
        Assert.StartsWith("wacid.", call.Id, StringComparison.Ordinal);
        Assert.Equal("promo-1", connect.GetProperty("deeplink_payload").GetString());
        Assert.False(connect.TryGetProperty("cta_payload", out _));
        Assert.Equal("offer", connect.GetProperty("session").GetProperty("sdp_type").GetString());
        var offer = connect.GetProperty("session").GetProperty("sdp").GetString()!;
        Assert.Equal(call.OfferSdp, offer);
        Assert.Contains("a=setup:actpass\r\n", offer, StringComparison.Ordinal);
        Assert.Contains("a=ice-lite\r\n", offer, StringComparison.Ordinal);
        var contact = Assert.Single(WebhookAssert.Value(received, h.Simulator.DefaultNumber).GetProperty("contacts").EnumerateArray());
        Assert.Equal("Ada", contact.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(SimulatorHarness.User, contact.GetProperty("wa_id").GetString());
    }

    [Fact]
    public async Task Pre_accept_then_accept_with_identical_sdp_succeed_and_reach_the_phone()
    {
        var phones = new RecordingPhoneFactory();
        await using var h = await SimulatorHarness.StartAsync(o => o.PhoneFactory = phones);
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        var preAccept = await h.CallActionAsync("pre_accept", call.Id, "answer", BusinessSdp.Answer);
        var accept = await h.CallActionAsync("accept", call.Id, "answer", BusinessSdp.Answer);

        Assert.Equal(200, preAccept.Status);
        Assert.Equal(Success, preAccept.Body);
        Assert.Equal(200, accept.Status);
        Assert.Equal(Success, accept.Body);
        Assert.Equal(SimulatedCallPhase.Connected, call.Phase);
        Assert.Equal(BusinessSdp.Answer, Assert.Single(phones.Phones).RemoteAnswer);
    }

    [Fact]
    public async Task Accept_with_sdp_differing_from_pre_accept_is_Metas_error()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        Assert.Equal(200, (await h.CallActionAsync("pre_accept", call.Id, "answer", BusinessSdp.Answer)).Status);
        var other = await new SdpOnlyPhone(50004).AnswerAsync(call.OfferSdp!, CancellationToken.None);

        var reply = await h.CallActionAsync("accept", call.Id, "answer", other);

        Assert.Equal(400, reply.Status);
        Assert.Equal(100, reply.Error.GetProperty("code").GetInt32());
        Assert.Equal(
            "SDP answer provided in accept does not match the SDP answer given in the Pre-Accept endpoint for the same call-id",
            reply.Error.GetProperty("error_data").GetProperty("details").GetString());
        Assert.NotEqual(SimulatedCallPhase.Connected, call.Phase);
    }

    [Fact]
    public async Task Accept_without_pre_accept_succeeds()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        Assert.Equal(Success, (await h.CallActionAsync("accept", call.Id, "answer")).Body);
    }

    [Theory]
    [InlineData("pre_accept")]
    [InlineData("accept")]
    public async Task Pre_accept_and_accept_with_sdp_type_offer_are_rejected(string action)
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        var reply = await h.CallActionAsync(action, call.Id, "offer", BusinessSdp.Answer);

        Assert.Equal(400, reply.Status);
        Assert.Equal(100, reply.Error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task No_answer_within_the_window_sends_terminate_FAILED_with_errors()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.InboundAnswerWindow = TimeSpan.FromSeconds(30));
        var t0 = h.Time.GetUtcNow();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        await h.Receiver.WaitForAsync(1);

        h.Time.Advance(29 * Second);
        Assert.Equal(SimulatedCallPhase.Ringing, call.Phase);
        h.Time.Advance(Second);

        var last = (await h.Receiver.WaitForAsync(2))[1];
        var terminate = WebhookAssert.Call(last, h.Simulator.DefaultNumber, "terminate", "USER_INITIATED", t0 + (30 * Second));
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        Assert.False(terminate.TryGetProperty("duration", out _));
        Assert.Single(WebhookAssert.Value(last, h.Simulator.DefaultNumber).GetProperty("errors").EnumerateArray());
        Assert.Equal(400, (await h.CallActionAsync("accept", call.Id, "answer")).Status);
    }

    [Fact]
    public async Task Accepted_call_then_user_hangs_up_sends_terminate_COMPLETED_with_duration()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, new SimulatedUserBehavior { HangUpAfter = TimeSpan.FromSeconds(20) });
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        h.Time.Advance(2 * Second);
        var acceptedAt = h.Time.GetUtcNow();
        Assert.Equal(200, (await h.CallActionAsync("accept", call.Id, "answer")).Status);

        h.Time.Advance(TimeSpan.FromMinutes(2));

        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(2))[1], h.Simulator.DefaultNumber, "terminate", "USER_INITIATED", acceptedAt + (20 * Second));
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        Assert.Equal(WebhookAssert.Unix(acceptedAt), terminate.GetProperty("start_time").GetString());
        Assert.Equal(20, terminate.GetProperty("duration").GetInt32());
    }

    [Fact]
    public async Task Business_terminate_of_an_accepted_inbound_call_sends_terminate_COMPLETED()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        var acceptedAt = h.Time.GetUtcNow();
        Assert.Equal(200, (await h.CallActionAsync("accept", call.Id, "answer")).Status);
        h.Time.Advance(TimeSpan.FromSeconds(42));

        Assert.Equal(Success, (await h.CallActionAsync("terminate", call.Id)).Body);

        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(2))[1], h.Simulator.DefaultNumber, "terminate", "USER_INITIATED", acceptedAt + TimeSpan.FromSeconds(42));
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        Assert.Equal(42, terminate.GetProperty("duration").GetInt32());
    }

    [Fact]
    public async Task Control_api_hangs_up_as_the_user()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);
        Assert.Equal(200, (await h.CallActionAsync("accept", call.Id, "answer")).Status);

        using var response = await h.Http.PostAsync($"_sim/calls/{call.Id}/hangup", null);

        Assert.True(response.IsSuccessStatusCode);
        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(2))[1], h.Simulator.DefaultNumber, "terminate", "USER_INITIATED", h.Time.GetUtcNow());
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        using var again = await h.Http.PostAsync($"_sim/calls/{call.Id}/hangup", null);
        Assert.Equal(404, (int)again.StatusCode);
    }

    [Fact]
    public async Task Reject_sends_terminate_and_ends_the_call()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        Assert.Equal(Success, (await h.CallActionAsync("reject", call.Id)).Body);

        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(2))[1], h.Simulator.DefaultNumber, "terminate", "USER_INITIATED", h.Time.GetUtcNow());
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        Assert.Equal(SimulatedCallPhase.Ended, call.Phase);
    }

    [Fact]
    public async Task Control_api_starts_an_inbound_call()
    {
        await using var h = await SimulatorHarness.StartAsync();
        using var content = new StringContent($$"""{"from":"{{SimulatorHarness.User}}","name":"Bo"}""");

        using var response = await h.Http.PostAsync("_sim/inbound", content);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var callId = body.RootElement.GetProperty("call_id").GetString();
        var connect = WebhookAssert.Call((await h.Receiver.WaitForAsync(1))[0], h.Simulator.DefaultNumber, "connect", "USER_INITIATED", h.Time.GetUtcNow());
        Assert.Equal(callId, connect.GetProperty("id").GetString());
        Assert.Empty(h.Simulator.Requests.Snapshot());
    }

    private sealed class RecordingPhoneFactory : ISimulatedPhoneFactory
    {
        public List<SdpOnlyPhone> Phones { get; } = [];

        public ISimulatedPhone Create(SimulatedPhoneContext context)
        {
            var phone = new SdpOnlyPhone();
            Phones.Add(phone);
            return phone;
        }
    }
}
