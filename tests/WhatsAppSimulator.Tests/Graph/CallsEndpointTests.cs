using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Graph;

public sealed class CallsEndpointTests
{
    private const string Success = """{"messaging_product":"whatsapp","success":true}""";

    private static void AssertError(GraphReply reply, int status, int code, string type, int? subcode = null)
    {
        Assert.Equal(status, reply.Status);
        var error = reply.Error;
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Matches("^[A-Za-z0-9_-]{23}$", error.GetProperty("fbtrace_id").GetString()!);
        if (subcode is null)
        {
            Assert.False(error.TryGetProperty("error_subcode", out _));
        }
        else
        {
            Assert.Equal(subcode, error.GetProperty("error_subcode").GetInt32());
        }
    }

    [Fact]
    public async Task Connect_happy_path_returns_exactly_messaging_product_and_calls_id()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        var reply = await h.ConnectAsync();

        Assert.Equal(200, reply.Status);
        Assert.Matches(new Regex("""^\{"messaging_product":"whatsapp","calls":\[\{"id":"wacid\.[A-Za-z0-9_-]+"\}\]\}$"""), reply.Body);
    }

    [Fact]
    public async Task Connect_without_permission_is_138006_http_401()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.ConnectAsync();

        AssertError(reply, 401, 138006, "OAuthException");
        Assert.Empty(h.Simulator.Calls);
    }

    [Fact]
    public async Task Connect_after_revoke_is_138006()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        h.Simulator.Permissions.Revoke(SimulatorHarness.User);

        AssertError(await h.ConnectAsync(), 401, 138006, "OAuthException");
    }

    [Fact]
    public async Task Connect_after_temporary_permission_expired_is_138006()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        h.Time.Advance(TimeSpan.FromDays(7));

        AssertError(await h.ConnectAsync(), 401, 138006, "OAuthException");
    }

    [Fact]
    public async Task Connect_with_sha384_fingerprint_is_100_subcode_2494010_Fingerprint_algo_is_not_SHA256()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        var reply = await h.ConnectAsync(sdp: BusinessSdp.WithFingerprint(BusinessSdp.Offer, "sha-384"));

        AssertError(reply, 400, 100, "OAuthException", 2494010);
        Assert.Equal("Fingerprint algo is not SHA256", reply.Error.GetProperty("error_data").GetProperty("details").GetString());
        Assert.Equal("whatsapp", reply.Error.GetProperty("error_data").GetProperty("messaging_product").GetString());
    }

    [Fact]
    public async Task Connect_with_sdp_type_answer_is_100()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        var reply = await h.PostAsync("calls", $$$"""{"messaging_product":"whatsapp","to":"{{{SimulatorHarness.User}}}","action":"connect","session":{"sdp_type":"answer","sdp":{{{JsonSerializer.Serialize(BusinessSdp.Offer)}}}}}""");

        AssertError(reply, 400, 100, "OAuthException");
    }

    [Theory]
    [InlineData("""{"to":"16315553602","action":"connect","session":{"sdp_type":"offer","sdp":"v=0"}}""")]
    [InlineData("""{"messaging_product":"sms","to":"16315553602","action":"connect","session":{"sdp_type":"offer","sdp":"v=0"}}""")]
    [InlineData("""{"messaging_product":"whatsapp","action":"connect","session":{"sdp_type":"offer","sdp":"v=0"}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"+1 631 555","action":"connect","session":{"sdp_type":"offer","sdp":"v=0"}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","action":"connect"}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","action":"connect","session":{"sdp_type":"offer"}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","action":"connect","session":{"sdp_type":"offer","sdp":"not sdp"}}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602","action":"create"}""")]
    [InlineData("""{"messaging_product":"whatsapp","to":"16315553602"}""")]
    [InlineData("""{"messaging_product":"whatsapp","action":"terminate"}""")]
    [InlineData("""[1,2]""")]
    public async Task Invalid_call_requests_are_code_100_http_400(string body)
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        AssertError(await h.PostAsync("calls", body), 400, 100, "OAuthException");
        Assert.Empty(h.Simulator.Calls);
    }

    [Fact]
    public async Task Second_connect_to_a_user_with_an_ongoing_call_is_138003()
    {
        await using var h = await SimulatorHarness.StartAsync();
        await h.ConnectOkAsync();

        AssertError(await h.ConnectAsync(), 400, 138003, "OAuthException");
    }

    [Fact]
    public async Task Connect_when_calling_disabled_in_settings_is_138000_http_401()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        Assert.Equal(200, (await h.PostAsync("settings", """{"calling":{"status":"DISABLED"}}""")).Status);

        AssertError(await h.ConnectAsync(), 401, 138000, "OAuthException");
    }

    [Fact]
    public async Task Terminate_returns_exact_success_json()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var callId = await h.ConnectOkAsync();

        var reply = await h.CallActionAsync("terminate", callId);

        Assert.Equal(200, reply.Status);
        Assert.Equal(Success, reply.Body);
    }

    [Theory]
    [InlineData("terminate")]
    [InlineData("reject")]
    [InlineData("pre_accept")]
    [InlineData("accept")]
    public async Task Unknown_call_id_is_code_100(string action)
    {
        await using var h = await SimulatorHarness.StartAsync();
        var sdpType = action is "pre_accept" or "accept" ? "answer" : null;

        AssertError(await h.CallActionAsync(action, "wacid.DOES-NOT-EXIST", sdpType), 400, 100, "OAuthException");
    }

    [Fact]
    public async Task Terminate_of_an_ended_call_is_code_100()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var callId = await h.ConnectOkAsync();
        Assert.Equal(200, (await h.CallActionAsync("terminate", callId)).Status);

        AssertError(await h.CallActionAsync("terminate", callId), 400, 100, "OAuthException");
    }

    [Fact]
    public async Task Accept_on_a_business_initiated_call_is_code_100()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var callId = await h.ConnectOkAsync();

        AssertError(await h.CallActionAsync("accept", callId, "answer"), 400, 100, "OAuthException");
    }

    [Fact]
    public async Task Missing_token_is_OAuth_190_http_401()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Http.DefaultRequestHeaders.Authorization = null;

        var reply = await h.ConnectAsync();

        AssertError(reply, 401, 190, "OAuthException");
    }

    [Fact]
    public async Task Wrong_token_is_OAuth_190_http_401_with_WWW_Authenticate()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Http.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");

        using var content = new StringContent("{}");
        using var response = await h.Http.PostAsync($"{SimulatorHarness.Version}/{h.PhoneNumberId}/calls", content);

        AssertError(new GraphReply((int)response.StatusCode, await response.Content.ReadAsStringAsync()), 401, 190, "OAuthException");
        Assert.StartsWith("OAuth ", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_in_access_token_query_parameter_is_accepted()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Http.DefaultRequestHeaders.Authorization = null;

        using var ok = await h.Http.GetAsync($"{SimulatorHarness.Version}/{h.PhoneNumberId}/settings?access_token=sim-access-token");
        using var wrong = await h.Http.GetAsync($"{SimulatorHarness.Version}/{h.PhoneNumberId}/settings?access_token=nope");

        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(401, (int)wrong.StatusCode);
    }

    [Fact]
    public async Task Unknown_phone_number_id_is_100_subcode_33_GraphMethodException()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.PostAsync("calls", "{}", phoneNumberId: "999999");

        AssertError(reply, 400, 100, "GraphMethodException", 33);
        Assert.Contains("Object with ID '999999' does not exist", reply.Error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v19.0")]
    [InlineData("v23.0")]
    [InlineData("v99.12")]
    public async Task Any_vN_M_graph_version_is_served(string version)
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        using var content = new StringContent($$$"""{"messaging_product":"whatsapp","to":"{{{SimulatorHarness.User}}}","action":"connect","session":{"sdp_type":"offer","sdp":{{{JsonSerializer.Serialize(BusinessSdp.Offer)}}}}}""");

        using var response = await h.Http.PostAsync($"{version}/{h.PhoneNumberId}/calls", content);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Malformed_version_is_rejected()
    {
        await using var h = await SimulatorHarness.StartAsync();
        using var content = new StringContent("{}");

        using var response = await h.Http.PostAsync($"23/{h.PhoneNumberId}/calls", content);

        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Unknown_edge_gets_a_graph_error_body()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var reply = await h.GetAsync("whatever");

        AssertError(reply, 400, 2500, "OAuthException");
    }

    [Fact]
    public async Task Every_request_is_recorded_with_method_path_headers_and_body()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);

        await h.ConnectAsync(opaque: "ctx-42");

        var recorded = Assert.Single(h.Simulator.Requests.Snapshot());
        Assert.Equal("POST", recorded.Method);
        Assert.Equal($"/{SimulatorHarness.Version}/{h.PhoneNumberId}/calls", recorded.Path);
        Assert.Equal("Bearer sim-access-token", recorded.Header("Authorization"));
        using var body = JsonDocument.Parse(recorded.Body);
        Assert.Equal("connect", body.RootElement.GetProperty("action").GetString());
        Assert.Equal("ctx-42", body.RootElement.GetProperty("biz_opaque_callback_data").GetString());
    }
}
