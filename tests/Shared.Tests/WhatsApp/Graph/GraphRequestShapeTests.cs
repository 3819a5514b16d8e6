using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Shared.Tests.WhatsApp.Graph.Support;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>
/// Every action against a real Kestrel stub on 127.0.0.1: the body must equal Meta's documented example
/// (meta-calling-api.md §1, §3, §4) as JSON, and method, path, bearer token and content type must match.
/// </summary>
public sealed class GraphRequestShapeTests : IClassFixture<GraphStubFixture>, IDisposable
{
    private const string CallId = "wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh";
    private readonly GraphStubServer _stub;
    private readonly GraphClientHost _host;

    public GraphRequestShapeTests(GraphStubFixture fixture)
    {
        _stub = fixture.Server;
        _stub.Reset();
        _host = new GraphClientHost(_stub.BaseUrl);
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Connect_sends_Metas_documented_body_and_returns_calls0_id()
    {
        var sdp = SampleSdp.Offer();
        _stub.ResponseJson = """{"messaging_product":"whatsapp","calls":[{"id":"wacid.ABGGFjFVU2AfAgo6V"}]}""";

        var callId = await _host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", sdp, "0fS5cePMok");

        Assert.Equal("wacid.ABGGFjFVU2AfAgo6V", callId);
        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp",
              "to": "14085551234",
              "action": "connect",
              "session": { "sdp_type": "offer", "sdp": {{JsonSerializer.Serialize(sdp)}} },
              "biz_opaque_callback_data": "0fS5cePMok" }
            """);
    }

    [Fact]
    public async Task Connect_omits_absent_opaque_data_and_drops_a_leading_plus()
    {
        var sdp = SampleSdp.Offer();
        _stub.ResponseJson = """{"messaging_product":"whatsapp","calls":[{"id":"wacid.X"}]}""";

        await _host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "+14085551234", sdp);

        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp", "to": "14085551234", "action": "connect",
              "session": { "sdp_type": "offer", "sdp": {{JsonSerializer.Serialize(sdp)}} } }
            """);
    }

    [Fact]
    public async Task Connect_tolerates_the_seed_guides_call_id_response()
    {
        _stub.ResponseJson = """{"call_id":"wacid.seed-shape","messaging_product":"whatsapp"}""";

        var callId = await _host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer());

        Assert.Equal("wacid.seed-shape", callId);
    }

    [Fact]
    public async Task Connect_success_without_any_call_id_is_a_format_error()
    {
        _stub.ResponseJson = """{"messaging_product":"whatsapp","calls":[]}""";

        var ex = await Assert.ThrowsAsync<WhatsAppResponseFormatException>(
            () => _host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer()));
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public async Task PreAccept_sends_an_answer_session()
    {
        var sdp = SampleSdp.Offer();
        _stub.ResponseJson = """{"messaging_product":"whatsapp","success":true}""";

        await _host.Client.PreAcceptAsync(GraphClientHost.PhoneNumberId, CallId, sdp);

        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp", "call_id": "{{CallId}}", "action": "pre_accept",
              "session": { "sdp_type": "answer", "sdp": {{JsonSerializer.Serialize(sdp)}} } }
            """);
    }

    [Fact]
    public async Task Accept_sends_an_answer_session_and_opaque_data()
    {
        var sdp = SampleSdp.Offer();

        await _host.Client.AcceptAsync(GraphClientHost.PhoneNumberId, CallId, sdp, "random_string");

        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp", "call_id": "{{CallId}}", "action": "accept",
              "session": { "sdp_type": "answer", "sdp": {{JsonSerializer.Serialize(sdp)}} },
              "biz_opaque_callback_data": "random_string" }
            """);
    }

    [Fact]
    public async Task Reject_sends_only_call_id_and_action()
    {
        await _host.Client.RejectAsync(GraphClientHost.PhoneNumberId, CallId);

        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp", "call_id": "{{CallId}}", "action": "reject" }
            """);
    }

    [Fact]
    public async Task Terminate_sends_only_call_id_and_action()
    {
        await _host.Client.TerminateAsync(GraphClientHost.PhoneNumberId, CallId);

        AssertSingleRequest("POST", "calls", $$"""
            { "messaging_product": "whatsapp", "call_id": "{{CallId}}", "action": "terminate" }
            """);
    }

    [Fact]
    public async Task A_success_response_with_success_false_is_not_treated_as_success()
    {
        _stub.ResponseJson = """{"success":false}""";

        await Assert.ThrowsAsync<WhatsAppResponseFormatException>(
            () => _host.Client.TerminateAsync(GraphClientHost.PhoneNumberId, CallId));
    }

    [Fact]
    public async Task SendCallPermissionRequest_posts_the_interactive_message_and_returns_the_wamid()
    {
        _stub.ResponseJson = """
            {"messaging_product":"whatsapp","contacts":[{"input":"16315553602","wa_id":"16315553602"}],
             "messages":[{"id":"wamid.HBgLMTYzMTU1NTM2MDIVAgARGBI"}]}
            """;

        var messageId = await _host.Client.SendCallPermissionRequestAsync(
            GraphClientHost.PhoneNumberId, "16315553602", "We would like to call you about your order.");

        Assert.Equal("wamid.HBgLMTYzMTU1NTM2MDIVAgARGBI", messageId);
        AssertSingleRequest("POST", "messages", """
            { "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16315553602",
              "type": "interactive",
              "interactive": { "type": "call_permission_request",
                               "action": { "name": "call_permission_request" },
                               "body": { "text": "We would like to call you about your order." } } }
            """);
    }

    [Fact]
    public async Task SendCallPermissionRequest_without_body_text_omits_the_body()
    {
        _stub.ResponseJson = """{"messaging_product":"whatsapp","messages":[{"id":"wamid.1"}]}""";

        await _host.Client.SendCallPermissionRequestAsync(GraphClientHost.PhoneNumberId, "16315553602");

        AssertSingleRequest("POST", "messages", """
            { "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16315553602",
              "type": "interactive",
              "interactive": { "type": "call_permission_request", "action": { "name": "call_permission_request" } } }
            """);
    }

    [Fact]
    public async Task GetCallPermissions_queries_user_wa_id_and_reads_Metas_documented_answer()
    {
        _stub.ResponseJson = """
            { "messaging_product": "whatsapp",
              "permission": { "status": "temporary", "expiration_time": 1745343479 },
              "actions": [
                { "action_name": "send_call_permission_request", "can_perform_action": true,
                  "limits": [ { "time_period": "PT24H", "max_allowed": 1, "current_usage": 0 },
                              { "time_period": "P7D",  "max_allowed": 2, "current_usage": 1 } ] },
                { "action_name": "start_call", "can_perform_action": false,
                  "limits": [ { "time_period": "PT24H", "max_allowed": 5, "current_usage": 5,
                                "limit_expiration_time": 1745622600 } ] } ] }
            """;

        var permissions = await _host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602");

        var request = Assert.Single(_stub.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal($"/v23.0/{GraphClientHost.PhoneNumberId}/call_permissions", request.Path);
        Assert.Equal("?user_wa_id=16315553602", request.Query);
        Assert.Equal("Bearer " + GraphClientHost.Token, request.Authorization);
        Assert.Equal(string.Empty, request.Body);

        Assert.Equal(CallPermissionStatus.Temporary, permissions.Permission!.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745343479), permissions.Permission.ExpirationTime);
        Assert.False(permissions.CanStartCall);
        var request24h = permissions.Find(CallPermissionActionName.SendCallPermissionRequest)!;
        Assert.True(request24h.CanPerformAction);
        Assert.Equal([TimeSpan.FromHours(24), TimeSpan.FromDays(7)], request24h.Limits.Select(l => l.Period!.Value));
        Assert.Equal([1, 2], request24h.Limits.Select(l => l.MaxAllowed));
        var startCall = Assert.Single(permissions.Find(CallPermissionActionName.StartCall)!.Limits);
        Assert.Equal((5, 5), (startCall.MaxAllowed, startCall.CurrentUsage));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745622600), startCall.LimitExpirationTime);
    }

    [Theory]
    [InlineData("no_permission", CallPermissionStatus.NoPermission)]
    [InlineData("permanent", CallPermissionStatus.Permanent)]
    [InlineData("something_new", CallPermissionStatus.Unknown)]
    public async Task GetCallPermissions_maps_every_status(string wire, CallPermissionStatus expected)
    {
        _stub.ResponseJson = $$"""{"messaging_product":"whatsapp","permission":{"status":"{{wire}}"},"actions":[]}""";

        var permissions = await _host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602");

        Assert.Equal(expected, permissions.Permission!.Status);
        Assert.Null(permissions.Permission.ExpirationTime);
    }

    [Fact]
    public async Task UpdateCallingSettings_posts_Metas_documented_calling_object()
    {
        var settings = new CallingSettings
        {
            Status = FeatureStatus.Enabled,
            CallIconVisibility = CallIconVisibility.Default,
            CallIcons = new CallIcons { RestrictToUserCountries = ["US", "BR"] },
            CallHours = new CallHours
            {
                Status = FeatureStatus.Enabled,
                TimezoneId = "America/Manaus",
                WeeklyOperatingHours = [new WeeklyOperatingHours(OperatingDay.Monday, "0400", "1020")],
                HolidaySchedule = [new HolidaySchedule("2026-01-01", "0000", "2359")],
            },
            CallbackPermissionStatus = FeatureStatus.Enabled,
            Sip = new SipSettings
            {
                Status = FeatureStatus.Disabled,
                Servers =
                [
                    new SipServer
                    {
                        Hostname = "sip.example.com",
                        Port = 5061,
                        RequestUriUserParams = new Dictionary<string, string> { ["KEY1"] = "VALUE1" },
                    },
                ],
            },
            Restrictions = new CallingRestrictions { RestrictionsList = [new CallingRestriction { Type = "read-only" }] },
        };

        await _host.Client.UpdateCallingSettingsAsync(GraphClientHost.PhoneNumberId, settings);

        AssertSingleRequest("POST", "settings", """
            { "calling": {
                "status": "ENABLED",
                "call_icon_visibility": "DEFAULT",
                "call_icons": { "restrict_to_user_countries": ["US","BR"] },
                "call_hours": { "status": "ENABLED", "timezone_id": "America/Manaus",
                  "weekly_operating_hours": [ { "day_of_week": "MONDAY", "open_time": "0400", "close_time": "1020" } ],
                  "holiday_schedule": [ { "date": "2026-01-01", "start_time": "0000", "end_time": "2359" } ] },
                "callback_permission_status": "ENABLED",
                "sip": { "status": "DISABLED",
                  "servers": [ { "hostname": "sip.example.com", "port": 5061,
                                 "request_uri_user_params": { "KEY1": "VALUE1" } } ] } } }
            """);
    }

    [Fact]
    public async Task UpdateCallingSettings_sends_only_what_is_set()
    {
        await _host.Client.UpdateCallingSettingsAsync(
            GraphClientHost.PhoneNumberId, new CallingSettings { CallIconVisibility = CallIconVisibility.DisableAll });

        AssertSingleRequest("POST", "settings", """{ "calling": { "call_icon_visibility": "DISABLE_ALL" } }""");
    }

    [Fact]
    public async Task UpdateCallingSettings_refuses_to_send_an_unknown_value()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.UpdateCallingSettingsAsync(
            GraphClientHost.PhoneNumberId, new CallingSettings { Status = FeatureStatus.Unknown }));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task GetCallingSettings_reads_the_calling_object_with_restrictions()
    {
        _stub.ResponseJson = """
            { "calling": { "status": "ENABLED", "call_icon_visibility": "DISABLE_ALL",
                "callback_permission_status": "DISABLED",
                "call_hours": { "status": "ENABLED", "timezone_id": "America/Manaus",
                  "weekly_operating_hours": [ { "day_of_week": "SUNDAY", "open_time": "0900", "close_time": "1700" } ] },
                "sip": { "status": "ENABLED", "servers": [ { "hostname": "sip.example.com", "port": 5061, "sip_user_password": "s3cret" } ] },
                "restrictions": { "restrictions_list": [
                  { "type": "RESTRICTED_BIZ_INITIATED_AND_USER_INITIATED_CALLING", "reason": "low quality", "expiration": 1767225600 } ] } } }
            """;

        var settings = await _host.Client.GetCallingSettingsAsync(GraphClientHost.PhoneNumberId, includeSipCredentials: true);

        var request = Assert.Single(_stub.Requests);
        Assert.Equal(("GET", $"/v23.0/{GraphClientHost.PhoneNumberId}/settings", "?include_sip_credentials=true"), (request.Method, request.Path, request.Query));
        Assert.Equal("Bearer " + GraphClientHost.Token, request.Authorization);
        Assert.Equal(FeatureStatus.Enabled, settings.Status);
        Assert.Equal(CallIconVisibility.DisableAll, settings.CallIconVisibility);
        Assert.Equal(FeatureStatus.Disabled, settings.CallbackPermissionStatus);
        Assert.Equal(OperatingDay.Sunday, Assert.Single(settings.CallHours!.WeeklyOperatingHours!).DayOfWeek);
        Assert.Equal("s3cret", Assert.Single(settings.Sip!.Servers!).SipUserPassword);
        var restriction = Assert.Single(settings.Restrictions!.RestrictionsList!);
        Assert.Equal("RESTRICTED_BIZ_INITIATED_AND_USER_INITIATED_CALLING", restriction.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), restriction.Expiration);
    }

    [Fact]
    public async Task A_success_status_with_a_non_JSON_body_is_a_format_error()
    {
        _stub.ResponseContentType = "text/html";
        _stub.ResponseJson = "<html>ok</html>";

        var ex = await Assert.ThrowsAsync<WhatsAppResponseFormatException>(
            () => _host.Client.GetCallPermissionsAsync(GraphClientHost.PhoneNumberId, "16315553602"));
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1408555123412345")]
    [InlineData("1408-555-1234")]
    public async Task A_user_number_that_is_not_6_to_15_digits_is_refused_before_sending(string to)
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => _host.Client.ConnectAsync(GraphClientHost.PhoneNumberId, to, SampleSdp.Offer()));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task Opaque_data_over_512_characters_is_refused_before_sending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.ConnectAsync(
            GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer(), new string('x', 513)));
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task The_version_and_phone_number_id_build_the_path()
    {
        using var host = new GraphClientHost(_stub.BaseUrl.TrimEnd('/'), configure: o => o.GraphVersion = "v21.0");

        await host.Client.TerminateAsync("42", CallId);

        Assert.Equal("/v21.0/42/calls", Assert.Single(_stub.Requests).Path);
    }

    [Theory]
    [InlineData("../123")]
    [InlineData("123/messages")]
    [InlineData("12a")]
    public async Task A_phone_number_id_that_is_not_digits_is_refused_before_sending(string phoneNumberId)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.TerminateAsync(phoneNumberId, CallId));
        Assert.Empty(_stub.Requests);
    }

    private void AssertSingleRequest(string method, string edge, string expectedJson)
    {
        var request = Assert.Single(_stub.Requests);
        Assert.Equal(method, request.Method);
        Assert.Equal($"/v23.0/{GraphClientHost.PhoneNumberId}/{edge}", request.Path);
        Assert.Equal("Bearer " + GraphClientHost.Token, request.Authorization);
        Assert.Equal("application/json", request.ContentType);

        var expected = JsonNode.Parse(expectedJson);
        var actual = JsonNode.Parse(request.Body);
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Body differs from Meta's example.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
    }
}
