using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Webhooks;

public sealed class OutboundCallWebhookTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Answer_then_hang_up_sends_RINGING_connect_answer_ACCEPTED_and_terminate_COMPLETED_with_times()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(5), hangUpAfter: TimeSpan.FromSeconds(30)));
        var t0 = h.Time.GetUtcNow();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        var callId = (await h.ConnectAsync(opaque: "ctx-7")).Json.RootElement.GetProperty("calls")[0].GetProperty("id").GetString()!;
        var biz = h.Simulator.DefaultNumber;

        h.Time.Advance(Second);
        var ringing = WebhookAssert.Status((await h.Receiver.WaitForAsync(1))[0], biz, callId, "RINGING", t0);
        Assert.Equal("ctx-7", ringing.GetProperty("biz_opaque_callback_data").GetString());

        h.Time.Advance(4 * Second);
        var connect = WebhookAssert.Call((await h.Receiver.WaitForAsync(2))[1], biz, "connect", "BUSINESS_INITIATED", t0 + (5 * Second));
        Assert.Equal(callId, connect.GetProperty("id").GetString());
        Assert.Equal("ctx-7", connect.GetProperty("biz_opaque_callback_data").GetString());
        var session = connect.GetProperty("session");
        Assert.Equal("answer", session.GetProperty("sdp_type").GetString());
        var sdp = session.GetProperty("sdp").GetString()!;
        Assert.Contains("a=ice-lite\r\n", sdp, StringComparison.Ordinal);
        Assert.Contains("a=setup:active\r\n", sdp, StringComparison.Ordinal);
        Assert.Contains("a=fingerprint:sha-256 ", sdp, StringComparison.Ordinal);
        Assert.False(WebhookAssert.Value(h.Receiver.Received[1], biz).TryGetProperty("contacts", out _));

        h.Time.Advance(Second);
        WebhookAssert.Status((await h.Receiver.WaitForAsync(3))[2], biz, callId, "ACCEPTED", t0 + (6 * Second));

        h.Time.Advance(30 * Second);
        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(4))[3], biz, "terminate", "BUSINESS_INITIATED", t0 + (35 * Second));
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        Assert.Equal(WebhookAssert.Unix(t0 + (5 * Second)), terminate.GetProperty("start_time").GetString());
        Assert.Equal(WebhookAssert.Unix(t0 + (35 * Second)), terminate.GetProperty("end_time").GetString());
        Assert.Equal(30, terminate.GetProperty("duration").GetInt32());
        Assert.False(WebhookAssert.Value(h.Receiver.Received[3], biz).TryGetProperty("errors", out _));
        Assert.Equal(4, h.Receiver.Received.Count);
    }

    [Fact]
    public async Task One_large_time_jump_still_stamps_each_event_with_its_own_instant()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(5), hangUpAfter: TimeSpan.FromSeconds(30)));
        var t0 = h.Time.GetUtcNow();
        var callId = await h.ConnectOkAsync();
        var biz = h.Simulator.DefaultNumber;

        h.Time.Advance(TimeSpan.FromMinutes(5));

        var all = await h.Receiver.WaitForAsync(4);
        WebhookAssert.Status(all[0], biz, callId, "RINGING", t0);
        WebhookAssert.Call(all[1], biz, "connect", "BUSINESS_INITIATED", t0 + (5 * Second));
        WebhookAssert.Status(all[2], biz, callId, "ACCEPTED", t0 + (6 * Second));
        var terminate = WebhookAssert.Call(all[3], biz, "terminate", "BUSINESS_INITIATED", t0 + (35 * Second));
        Assert.Equal(30, terminate.GetProperty("duration").GetInt32());
    }

    [Fact]
    public async Task Reject_sends_RINGING_REJECTED_then_terminate_FAILED_without_times()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.RejectAfter(TimeSpan.FromSeconds(3)));
        var t0 = h.Time.GetUtcNow();
        var callId = await h.ConnectOkAsync();
        var biz = h.Simulator.DefaultNumber;

        h.Time.Advance(3 * Second);

        var all = await h.Receiver.WaitForAsync(3);
        WebhookAssert.Status(all[0], biz, callId, "RINGING", t0);
        WebhookAssert.Status(all[1], biz, callId, "REJECTED", t0 + (3 * Second));
        var terminate = WebhookAssert.Call(all[2], biz, "terminate", "BUSINESS_INITIATED", t0 + (3 * Second));
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        Assert.False(terminate.TryGetProperty("start_time", out _));
        Assert.False(terminate.TryGetProperty("end_time", out _));
        Assert.False(terminate.TryGetProperty("duration", out _));
    }

    [Fact]
    public async Task Never_answer_sends_terminate_FAILED_with_errors_at_the_ring_timeout()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.RingTimeout = TimeSpan.FromSeconds(40));
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.NeverAnswer());
        var t0 = h.Time.GetUtcNow();
        var callId = await h.ConnectOkAsync();
        var biz = h.Simulator.DefaultNumber;

        h.Time.Advance(39 * Second);
        WebhookAssert.Status((await h.Receiver.WaitForAsync(1))[0], biz, callId, "RINGING", t0);
        Assert.Equal(Users.OutboundReaction.NeverAnswer, h.Simulator.Users.Get(SimulatorHarness.User).Reaction);
        Assert.Equal(Calls.SimulatedCallPhase.Ringing, h.Simulator.FindCall(callId)!.Phase);

        h.Time.Advance(Second);
        var last = (await h.Receiver.WaitForAsync(2))[1];
        var terminate = WebhookAssert.Call(last, biz, "terminate", "BUSINESS_INITIATED", t0 + (40 * Second));
        Assert.Equal("FAILED", terminate.GetProperty("status").GetString());
        var error = Assert.Single(WebhookAssert.Value(last, biz).GetProperty("errors").EnumerateArray());
        Assert.Equal(SimulatedUserBehavior.NotAnsweredErrorCode, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error_data").GetProperty("details").GetString()));
    }

    [Fact]
    public async Task Device_failure_sends_terminate_FAILED_with_the_scripted_error_code()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.FailAfter(TimeSpan.FromSeconds(2), 138019));
        var t0 = h.Time.GetUtcNow();
        await h.ConnectOkAsync();
        var biz = h.Simulator.DefaultNumber;

        h.Time.Advance(2 * Second);

        var last = (await h.Receiver.WaitForAsync(2))[1];
        Assert.Equal("FAILED", WebhookAssert.Call(last, biz, "terminate", "BUSINESS_INITIATED", t0 + (2 * Second)).GetProperty("status").GetString());
        Assert.Equal(138019, WebhookAssert.Value(last, biz).GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Business_terminate_of_a_connected_call_sends_terminate_COMPLETED_with_duration()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(2)));
        var t0 = h.Time.GetUtcNow();
        var callId = await h.ConnectOkAsync();
        var biz = h.Simulator.DefaultNumber;
        h.Time.Advance(3 * Second);
        await h.Receiver.WaitForAsync(3);
        h.Time.Advance(9 * Second);

        Assert.Equal(200, (await h.CallActionAsync("terminate", callId)).Status);

        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(4))[3], biz, "terminate", "BUSINESS_INITIATED", t0 + (12 * Second));
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        Assert.Equal(10, terminate.GetProperty("duration").GetInt32());
        // The cancelled script must not ring again or hang up a second time.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, h.Simulator.Clock.PendingCount);
        Assert.Equal(4, h.Receiver.Received.Count);
    }

    [Fact]
    public async Task Business_terminate_while_ringing_sends_terminate_COMPLETED_without_times()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var callId = await h.ConnectOkAsync();

        Assert.Equal(200, (await h.CallActionAsync("terminate", callId)).Status);

        var terminate = WebhookAssert.Call((await h.Receiver.WaitForAsync(1))[0], h.Simulator.DefaultNumber, "terminate", "BUSINESS_INITIATED", h.Time.GetUtcNow());
        Assert.Equal("COMPLETED", terminate.GetProperty("status").GetString());
        Assert.False(terminate.TryGetProperty("duration", out _));
    }
}
