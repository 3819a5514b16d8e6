using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Graph;
using Serverless.Functions.Hosting;
using Serverless.Functions.Settings;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Testing.FunctionsHost;

namespace Serverless.Functions.Tests.Settings;

/// <summary>
/// GET/PUT /api/settings/calling through the test host, with Graph on a Kestrel stub. Reads take a function or host
/// key; writes only the master (admin) key.
/// </summary>
public sealed class CallingSettingsFunctionTests : IAsyncLifetime, IDisposable
{
    private const string Key = "settings-key";
    private const string ServedNumber = "1234567";
    private GraphStub _graph = null!;
    private FunctionsTestHost _host = null!;
    private HttpClient _client = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _graph = await GraphStub.StartAsync();
        _host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(CallingSettingsFunctions).Assembly)
        {
            ConfigureServices = (services, configuration) =>
            {
                services.AddWhatsAppGraphClient(o =>
                {
                    o.BaseUrl = _graph.BaseUrl;
                    o.AccessToken = "test-token";
                    o.MaxRetryAttempts = 0;
                });
                services.AddOptions<MetaOptions>().Bind(configuration.GetSection(MetaOptions.SectionName));
                services.AddCallingSettings(configuration);
            },
            IncludeEnvironmentVariables = false,
            Settings =
            {
                ["Meta:PhoneNumberIds:0"] = ServedNumber,
                ["Meta:DefaultPhoneNumberId"] = ServedNumber,
                [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
            },
            Keys = FunctionKeys.CreateRandom().AddFunctionKey("GetCallingSettings", Key).AddFunctionKey("PutCallingSettings", Key),
        });
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
        _client.DefaultRequestHeaders.Add("x-functions-key", Key);
        _admin = _host.CreateClient(_host.Keys.MasterKey);
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task Get_returns_Metas_calling_object_without_sip_passwords()
    {
        _graph.Respond = _ => (HttpStatusCode.OK, """
            {"calling":{"status":"ENABLED","call_icon_visibility":"DEFAULT","callback_permission_status":"ENABLED",
              "call_hours":{"status":"ENABLED","timezone_id":"America/Manaus",
                "weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"0400","close_time":"1020"}]},
              "sip":{"status":"DISABLED","servers":[{"hostname":"sip.example.com","port":5061,"sip_user_password":"secret"}]}},
             "id":"1234567"}
            """);

        using var response = await _client.GetAsync(new Uri("api/settings/calling", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ENABLED", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("MONDAY", json.RootElement.GetProperty("call_hours").GetProperty("weekly_operating_hours")[0].GetProperty("day_of_week").GetString());
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        var request = Assert.Single(_graph.Requests);
        Assert.Equal("GET", request.Method);
        Assert.EndsWith("/1234567/settings", request.Path, StringComparison.Ordinal);
        Assert.DoesNotContain("include_sip_credentials", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_sends_valid_settings_to_Meta()
    {
        const string settings = """
            {"status":"ENABLED","call_icon_visibility":"DISABLE_ALL",
             "call_hours":{"status":"ENABLED","timezone_id":"Europe/Berlin",
               "weekly_operating_hours":[{"day_of_week":"TUESDAY","open_time":"0900","close_time":"1700"}],
               "holiday_schedule":[{"date":"2026-12-25","start_time":"0000","end_time":"2359"}]}}
            """;

        using var response = await _admin.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json(settings));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(_graph.Requests);
        Assert.Equal("POST", sent.Method);
        using var body = JsonDocument.Parse(sent.Body);
        var calling = body.RootElement.GetProperty("calling");
        Assert.Equal("DISABLE_ALL", calling.GetProperty("call_icon_visibility").GetString());
        Assert.Equal("2026-12-25", calling.GetProperty("call_hours").GetProperty("holiday_schedule")[0].GetProperty("date").GetString());
    }

    [Fact]
    public async Task Put_with_invalid_hours_is_a_problem_and_Meta_is_not_called()
    {
        const string settings = """
            {"call_hours":{"status":"ENABLED","timezone_id":"Mars/Base",
               "weekly_operating_hours":[{"day_of_week":"MONDAY","open_time":"0900","close_time":"1200"},
                                         {"day_of_week":"MONDAY","open_time":"1100","close_time":"1300"}]}}
            """;

        using var response = await _admin.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json(settings));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/invalid-calling-settings", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        var paths = problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("call_hours.timezone_id", paths);
        Assert.Contains("call_hours.weekly_operating_hours[1]", paths);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Put_accepts_Metas_envelope_too()
    {
        using var response = await _admin.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json("""{"calling":{"callback_permission_status":"ENABLED"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(Assert.Single(_graph.Requests).Body);
        Assert.Equal("ENABLED", body.RootElement.GetProperty("calling").GetProperty("callback_permission_status").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"calling":{}}""")]
    [InlineData("""{"unknown_member":1}""")]
    public async Task Put_that_sets_nothing_known_is_a_400_problem(string json)
    {
        using var response = await _admin.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Put_with_malformed_json_is_a_400_problem()
    {
        using var response = await _admin.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json("{\"status\":"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Sip_enabled_number_answers_a_sip_problem()
    {
        _graph.Respond = _ => (HttpStatusCode.BadRequest, GraphStub.MetaError(131055, "Method not allowed"));

        using var response = await _client.GetAsync(new Uri("api/settings/calling", UriKind.Relative));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("/sip-enabled", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_function_key_nothing_runs()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };

        using var response = await anonymous.GetAsync(new Uri("api/settings/calling", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Put_with_a_dial_key_is_refused_and_Meta_is_not_called()
    {
        // The keys integrations get for dialling: a host key, and a key issued for this very function.
        using var hostKey = _host.CreateClient(_host.Keys.DefaultHostKey);
        const string disable = """{"status":"DISABLED"}""";

        using var withHostKey = await hostKey.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json(disable));
        using var withFunctionKey = await _client.PutAsync(new Uri("api/settings/calling", UriKind.Relative), Json(disable));

        Assert.Equal(HttpStatusCode.Unauthorized, withHostKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withFunctionKey.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task A_host_key_still_reads_the_settings()
    {
        _graph.Respond = _ => (HttpStatusCode.OK, """{"calling":{"status":"ENABLED"},"id":"1234567"}""");
        using var hostKey = _host.CreateClient(_host.Keys.DefaultHostKey);

        using var response = await hostKey.GetAsync(new Uri("api/settings/calling", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task A_number_this_deployment_does_not_serve_is_a_400_problem_and_Meta_is_not_called(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "api/settings/calling?phoneNumberId=7654321")
        {
            Content = method == "PUT" ? Json("""{"status":"DISABLED"}""") : null,
        };

        using var response = await _admin.SendAsync(request);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/unknown-phone-number-id", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Empty(_graph.Requests);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
