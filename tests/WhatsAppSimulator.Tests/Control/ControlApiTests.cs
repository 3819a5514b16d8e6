using Microsoft.Extensions.Logging;
using System.Text.Json;
using Serverless.Testing.WhatsAppSimulator.Permissions;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Control;

public sealed class ControlApiTests
{
    [Fact]
    public async Task Permissions_can_be_granted_and_revoked_over_http()
    {
        await using var h = await SimulatorHarness.StartAsync();

        using (var grant = await h.Http.PostAsync($"_sim/permissions/{SimulatorHarness.User}?permanent=true", null))
        {
            Assert.True(grant.IsSuccessStatusCode);
        }

        Assert.Equal(CallPermissionStatus.Permanent, h.Simulator.Permissions.StatusOf(SimulatorHarness.User));
        using (var revoke = await h.Http.DeleteAsync($"_sim/permissions/{SimulatorHarness.User}"))
        {
            Assert.True(revoke.IsSuccessStatusCode);
        }

        Assert.Equal(CallPermissionStatus.NoPermission, h.Simulator.Permissions.StatusOf(SimulatorHarness.User));
    }

    [Fact]
    public async Task User_script_set_over_http_drives_the_call()
    {
        await using var h = await SimulatorHarness.StartAsync();
        using var content = new StringContent("""{"reaction":"reject","react_after_seconds":4}""");
        using (var set = await h.Http.PutAsync($"_sim/users/{SimulatorHarness.User}", content))
        {
            Assert.True(set.IsSuccessStatusCode);
        }

        Assert.Equal(SimulatedUserBehavior.RejectAfter(TimeSpan.FromSeconds(4)), h.Simulator.Users.Get(SimulatorHarness.User));
    }

    [Fact]
    public async Task Request_and_webhook_logs_and_redelivery_are_served_as_json()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var callId = await h.ConnectOkAsync();
        await h.CallActionAsync("terminate", callId);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await h.Simulator.Webhooks.WaitUntilAsync(log => log.Count == 1 && log[0].State == Serverless.Testing.WhatsAppSimulator.Webhooks.WebhookDeliveryState.Delivered, timeout.Token);
        }

        using var requests = JsonDocument.Parse(await h.Http.GetStringAsync("_sim/requests"));
        using var webhooks = JsonDocument.Parse(await h.Http.GetStringAsync("_sim/webhooks"));
        using var redeliver = await h.Http.PostAsync($"_sim/webhooks/{webhooks.RootElement[0].GetProperty("id").GetString()}/redeliver", null);

        Assert.Equal(2, requests.RootElement.GetArrayLength());
        Assert.Equal("POST", requests.RootElement[0].GetProperty("method").GetString());
        Assert.Contains("\"connect\"", requests.RootElement[0].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal("Delivered", webhooks.RootElement[0].GetProperty("state").GetString());
        Assert.Contains(callId, webhooks.RootElement[0].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.True(redeliver.IsSuccessStatusCode);
        var received = await h.Receiver.WaitForAsync(2);
        Assert.Equal(received[0].Body, received[1].Body);
    }

    [Fact]
    public async Task Log_is_a_timeline_with_masked_numbers_and_no_sdp_or_secrets()
    {
        using var logs = new ListLoggerProvider();
        await using var h = await SimulatorHarness.StartAsync(o => o.ConfigureLogging = l => l.AddProvider(logs));
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1)));
        var callId = await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        await h.Receiver.WaitForAsync(3);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await h.Simulator.Webhooks.WaitUntilAsync(log => log.Count == 3 && log.All(d => d.State == Serverless.Testing.WhatsAppSimulator.Webhooks.WebhookDeliveryState.Delivered), timeout.Token);
        }

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.Contains($"/{h.PhoneNumberId}/calls -> 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(callId, StringComparison.Ordinal) && l.Contains("*******3602: Connected", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Webhook d1 [calls] attempt 1 -> 200", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(SimulatorHarness.User, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("a=fingerprint", StringComparison.Ordinal) || l.Contains("sim-access-token", StringComparison.Ordinal) || l.Contains("sim-app-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Starting_on_a_taken_port_fails_cleanly()
    {
        await using var first = await WhatsAppSimulator.StartAsync(new SimulatorOptions());
        var port = first.BaseAddress.Port;

        await Assert.ThrowsAnyAsync<IOException>(() => WhatsAppSimulator.StartAsync(new SimulatorOptions { Port = port }));
    }

    [Fact]
    public async Task Callback_permission_enabled_grants_permission_when_the_user_calls()
    {
        await using var h = await SimulatorHarness.StartAsync();
        Assert.Equal(200, (await h.PostAsync("settings", """{"calling":{"callback_permission_status":"ENABLED"}}""")).Status);

        var call = await h.Simulator.StartInboundCallAsync(SimulatorHarness.User);

        var received = await h.Receiver.WaitForAsync(2);
        var (field, value) = WebhookAssert.SingleChange(received[1], h.Simulator.DefaultNumber);
        Assert.Equal("messages", field);
        var message = value.GetProperty("messages")[0];
        Assert.Equal(call.Id, message.GetProperty("context").GetProperty("id").GetString());
        var reply = message.GetProperty("interactive").GetProperty("call_permission_reply");
        Assert.Equal("accept", reply.GetProperty("response").GetString());
        Assert.Equal("automatic", reply.GetProperty("response_source").GetString());
        Assert.Equal(CallPermissionStatus.Temporary, h.Simulator.Permissions.StatusOf(SimulatorHarness.User));
    }
}
