using System.Text.Json;
using Serverless.Shared.WhatsApp.Webhooks;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Webhooks;

public sealed class SeedGuideDialectTests
{
    private static JsonElement Value(ReceivedWebhook webhook)
    {
        using var document = webhook.Parse();
        var change = document.RootElement.GetProperty("entry")[0].GetProperty("changes")[0];
        Assert.Equal("calls", change.GetProperty("field").GetString());
        return change.GetProperty("value").Clone();
    }

    private static string[] Names(JsonElement value) => [.. value.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task Answered_call_uses_the_seed_guides_flat_event_type_shapes()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.WebhookDialect = WebhookDialect.SeedGuide);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(2), hangUpAfter: TimeSpan.FromSeconds(120)));
        var callId = await h.ConnectOkAsync();

        h.Time.Advance(TimeSpan.FromMinutes(3));

        var all = await h.Receiver.WaitForAsync(4);
        var ringing = Value(all[0]);
        Assert.Equal(["call_id", "from", "status", "event_type"], Names(ringing));
        Assert.Equal("ringing", ringing.GetProperty("status").GetString());
        Assert.Equal("call.status", ringing.GetProperty("event_type").GetString());
        Assert.Equal(callId, ringing.GetProperty("call_id").GetString());
        Assert.Equal(SimulatorHarness.User, ringing.GetProperty("from").GetString());

        var connect = Value(all[1]);
        Assert.Equal(["messaging_product", "call_id", "from", "session", "event_type"], Names(connect));
        Assert.Equal("call.connect", connect.GetProperty("event_type").GetString());
        Assert.Equal("answer", connect.GetProperty("session").GetProperty("sdp_type").GetString());

        Assert.Equal("accepted", Value(all[2]).GetProperty("status").GetString());

        var terminate = Value(all[3]);
        Assert.Equal(["call_id", "from", "duration", "reason", "event_type"], Names(terminate));
        Assert.Equal(120, terminate.GetProperty("duration").GetInt32());
        Assert.Equal("user_hangup", terminate.GetProperty("reason").GetString());
        Assert.Equal("call.terminate", terminate.GetProperty("event_type").GetString());
    }

    [Fact]
    public async Task Unanswered_call_reports_no_answer_status_and_reason()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.WebhookDialect = WebhookDialect.SeedGuide);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.NeverAnswer());
        await h.ConnectOkAsync();

        h.Time.Advance(TimeSpan.FromMinutes(2));

        var all = await h.Receiver.WaitForAsync(3);
        Assert.Equal("no_answer", Value(all[1]).GetProperty("status").GetString());
        var terminate = Value(all[2]);
        Assert.Equal("no_answer", terminate.GetProperty("reason").GetString());
        Assert.False(terminate.TryGetProperty("duration", out _));
    }

    [Fact]
    public async Task Product_parser_reads_the_seed_guide_answered_call()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.WebhookDialect = WebhookDialect.SeedGuide);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(2), hangUpAfter: TimeSpan.FromSeconds(30)));
        var callId = await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));

        var events = new List<WebhookEvent>();
        foreach (var webhook in await h.Receiver.WaitForAsync(4))
        {
            Assert.True(WebhookParser.TryParse(webhook.Body, out var batch, out var error), error?.Message);
            Assert.Empty(batch.Skipped);
            events.AddRange(batch.Events);
        }

        Assert.All(events, e => Assert.Contains(callId, e.DedupKey, StringComparison.Ordinal));
        Assert.Equal(CallStatusKind.Ringing, Assert.IsType<CallStatus>(events[0]).Status);
        Assert.Equal(SdpType.Answer, Assert.IsType<CallConnect>(events[1]).SdpType);
        Assert.Equal(CallStatusKind.Accepted, Assert.IsType<CallStatus>(events[2]).Status);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.IsType<CallTerminate>(events[3]).Duration);
    }
}
