using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Graph;

public sealed class CallPermissionsTests
{
    private const string PermissionRequest = """
        {"messaging_product":"whatsapp","recipient_type":"individual","to":"16315553602","type":"interactive",
         "interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"},"body":{"text":"May we call you?"}}}
        """;

    [Fact]
    public async Task No_permission_has_Metas_exact_shape()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}");

        Assert.Equal(200, reply.Status);
        Assert.Equal(
            """{"messaging_product":"whatsapp","permission":{"status":"no_permission"},"actions":[{"action_name":"send_call_permission_request","can_perform_action":true,"limits":[{"time_period":"PT24H","max_allowed":1,"current_usage":0},{"time_period":"P7D","max_allowed":2,"current_usage":0}]},{"action_name":"start_call","can_perform_action":false,"limits":[{"time_period":"PT24H","max_allowed":100,"current_usage":0}]}]}""",
            reply.Body);
    }

    [Fact]
    public async Task Temporary_permission_reports_expiration_seven_days_after_grant()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        var permission = (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Json.RootElement.GetProperty("permission");

        Assert.Equal("temporary", permission.GetProperty("status").GetString());
        Assert.Equal((h.Time.GetUtcNow() + TimeSpan.FromDays(7)).ToUnixTimeSeconds(), permission.GetProperty("expiration_time").GetInt64());
    }

    [Fact]
    public async Task Permanent_permission_has_no_expiration_and_blocks_new_requests()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User, permanent: true);

        var root = (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Json.RootElement;

        Assert.Equal("permanent", root.GetProperty("permission").GetProperty("status").GetString());
        Assert.False(root.GetProperty("permission").TryGetProperty("expiration_time", out _));
        Assert.False(root.GetProperty("actions")[0].GetProperty("can_perform_action").GetBoolean());
        var reply = await h.PostAsync("messages", PermissionRequest);
        Assert.Equal(400, reply.Status);
        Assert.Equal(138017, reply.Error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Sixth_read_within_a_second_is_613_http_429_and_the_window_slides()
    {
        await using var h = await SimulatorHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Status);
        }

        var limited = await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}");

        Assert.Equal(429, limited.Status);
        Assert.Equal(613, limited.Error.GetProperty("code").GetInt32());
        Assert.True(limited.Error.TryGetProperty("fbtrace_id", out _));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Status);
    }

    [Fact]
    public async Task Missing_user_wa_id_is_code_100()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.GetAsync("call_permissions");

        Assert.Equal(400, reply.Status);
        Assert.Equal(100, reply.Error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Permission_request_returns_the_messages_response_and_counts_against_the_limits()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.PostAsync("messages", PermissionRequest);

        Assert.Equal(200, reply.Status);
        Assert.Matches("""^\{"messaging_product":"whatsapp","contacts":\[\{"input":"16315553602","wa_id":"16315553602"\}\],"messages":\[\{"id":"wamid\.[A-Za-z0-9]+"\}\]\}$""", reply.Body);
        var actions = (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Json.RootElement.GetProperty("actions");
        Assert.False(actions[0].GetProperty("can_perform_action").GetBoolean());
        Assert.Equal(1, actions[0].GetProperty("limits")[0].GetProperty("current_usage").GetInt32());
        Assert.True(actions[0].GetProperty("limits")[0].TryGetProperty("limit_expiration_time", out _));

        var second = await h.PostAsync("messages", PermissionRequest);
        Assert.Equal(400, second.Status);
        Assert.Equal(138009, second.Error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","type":"interactive","interactive":{"type":"button","action":{"name":"call_permission_request"}}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"other"}}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"},"header":{"type":"text","text":"x"}}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","type":"interactive"}""")]
    [InlineData("""{"to":"16315553602","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"}}}""")]
    [InlineData("""{"messaging_product":"whatsapp","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"}}}""")]
    public async Task Malformed_permission_requests_are_code_100(string body)
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.PostAsync("messages", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(100, reply.Error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(PermissionReply.Accept, "accept", false)]
    [InlineData(PermissionReply.AcceptPermanently, "accept", true)]
    [InlineData(PermissionReply.Reject, "reject", false)]
    public async Task Scripted_user_replies_with_a_call_permission_reply_webhook(PermissionReply script, string response, bool permanent)
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, new SimulatedUserBehavior { PermissionReply = script, PermissionReplyAfter = TimeSpan.FromSeconds(3), ProfileName = "Ada" });
        var t0 = h.Time.GetUtcNow();
        var requestId = (await h.PostAsync("messages", PermissionRequest)).Json.RootElement.GetProperty("messages")[0].GetProperty("id").GetString();

        h.Time.Advance(TimeSpan.FromSeconds(3));

        // sent and delivered receipts come first; the reply is the third delivery.
        var (field, value) = WebhookAssert.SingleChange((await h.Receiver.WaitForAsync(3))[2], h.Simulator.DefaultNumber);
        Assert.Equal("messages", field);
        Assert.Equal("Ada", value.GetProperty("contacts")[0].GetProperty("profile").GetProperty("name").GetString());
        var message = Assert.Single(value.GetProperty("messages").EnumerateArray());
        Assert.Equal(SimulatorHarness.User, message.GetProperty("from").GetString());
        Assert.Equal(requestId, message.GetProperty("context").GetProperty("id").GetString());
        Assert.StartsWith("wamid.", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebhookAssert.Unix(t0 + TimeSpan.FromSeconds(3)), message.GetProperty("timestamp").GetString());
        Assert.Equal("interactive", message.GetProperty("type").GetString());
        var interactive = message.GetProperty("interactive");
        Assert.Equal("call_permission_reply", interactive.GetProperty("type").GetString());
        var reply = interactive.GetProperty("call_permission_reply");
        Assert.Equal(response, reply.GetProperty("response").GetString());
        Assert.Equal(permanent, reply.GetProperty("is_permanent").GetBoolean());
        Assert.Equal("user_action", reply.GetProperty("response_source").GetString());
        var temporary = script == PermissionReply.Accept;
        Assert.Equal(temporary, reply.TryGetProperty("expiration_timestamp", out _));
        var expected = script switch
        {
            PermissionReply.Accept => Permissions.CallPermissionStatus.Temporary,
            PermissionReply.AcceptPermanently => Permissions.CallPermissionStatus.Permanent,
            _ => Permissions.CallPermissionStatus.NoPermission,
        };
        Assert.Equal(expected, h.Simulator.Permissions.StatusOf(SimulatorHarness.User));
    }

    [Fact]
    public async Task Sent_messages_get_sent_then_delivered_receipts()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var t0 = h.Time.GetUtcNow();
        var messageId = (await h.PostAsync("messages", PermissionRequest)).Json.RootElement.GetProperty("messages")[0].GetProperty("id").GetString();

        h.Time.Advance(TimeSpan.FromSeconds(1));

        var received = await h.Receiver.WaitForAsync(2);
        string[] expected = ["sent", "delivered"];
        for (var i = 0; i < 2; i++)
        {
            var (field, value) = WebhookAssert.SingleChange(received[i], h.Simulator.DefaultNumber);
            Assert.Equal("messages", field);
            var status = Assert.Single(value.GetProperty("statuses").EnumerateArray());
            Assert.Equal(messageId, status.GetProperty("id").GetString());
            Assert.Equal(expected[i], status.GetProperty("status").GetString());
            Assert.Equal(WebhookAssert.Unix(t0 + TimeSpan.FromSeconds(i)), status.GetProperty("timestamp").GetString());
            Assert.Equal(SimulatorHarness.User, status.GetProperty("recipient_id").GetString());
            Assert.False(status.TryGetProperty("type", out _));
        }
    }

    [Fact]
    public async Task Fourth_consecutive_rejected_call_revokes_the_permission()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.RejectAfter(TimeSpan.FromSeconds(1)));
        h.Simulator.Permissions.Grant(SimulatorHarness.User, permanent: true);

        for (var call = 1; call <= Permissions.CallPermissionTable.UnansweredCallsBeforeRevoke; call++)
        {
            Assert.Equal(200, (await h.ConnectAsync()).Status);
            h.Time.Advance(TimeSpan.FromSeconds(2));
            var expected = call < Permissions.CallPermissionTable.UnansweredCallsBeforeRevoke
                ? Permissions.CallPermissionStatus.Permanent
                : Permissions.CallPermissionStatus.NoPermission;
            Assert.Equal(expected, h.Simulator.Permissions.StatusOf(SimulatorHarness.User));
        }

        Assert.Equal(401, (await h.ConnectAsync()).Status);
    }

    [Fact]
    public async Task A_connected_call_counts_against_start_call()
    {
        await using var h = await SimulatorHarness.StartAsync(o => o.BusinessInitiatedCallsPer24Hours = 1);
        h.Simulator.Users.Set(SimulatorHarness.User, SimulatedUserBehavior.AnswerAfter(TimeSpan.FromSeconds(1), hangUpAfter: TimeSpan.FromSeconds(1)));
        await h.ConnectOkAsync();
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var startCall = (await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}")).Json.RootElement.GetProperty("actions")[1];

        Assert.False(startCall.GetProperty("can_perform_action").GetBoolean());
        Assert.Equal(1, startCall.GetProperty("limits")[0].GetProperty("current_usage").GetInt32());
        var reply = await h.ConnectAsync();
        Assert.Equal(400, reply.Status);
        Assert.Equal(138012, reply.Error.GetProperty("code").GetInt32());
    }
}
