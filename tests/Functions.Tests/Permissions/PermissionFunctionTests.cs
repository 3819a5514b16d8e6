using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Graph;
using Serverless.Functions.Hosting;
using Serverless.Functions.Permissions;
using Serverless.Functions.Tests.Calls;
using Serverless.Functions.Tests.Settings;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Testing.FunctionsHost;
using static Serverless.Functions.Tests.Permissions.PermissionHarness;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>POST /api/permissions/{waId}/request and GET /api/permissions/{waId} through the test host.</summary>
public sealed class PermissionFunctionTests : IAsyncLifetime, IDisposable
{
    private const string Key = "perm-key";
    private readonly string _prefix = AzuriteTables.UniquePrefix();
    private readonly FakeTimeProvider _clock = new(T0);
    private GraphStub _graph = null!;
    private FunctionsTestHost _host = null!;
    private HttpClient _client = null!;
    private string _permissionsJson = Json("no_permission");
    private (HttpStatusCode, string) _messages = (HttpStatusCode.OK, """{"messages":[{"id":"wamid.HTTP1"}]}""");

    public async Task InitializeAsync()
    {
        _graph = await GraphStub.StartAsync();
        _graph.Respond = r => r.Path.EndsWith("/messages", StringComparison.Ordinal) ? _messages : (HttpStatusCode.OK, _permissionsJson);
        _host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(PermissionFunctions).Assembly)
        {
            ConfigureServices = (services, configuration) =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<TableServiceClient>(AzuriteTables.Client());
                services.AddWhatsAppGraphClient(o =>
                {
                    o.BaseUrl = _graph.BaseUrl;
                    o.AccessToken = "test-token";
                    o.MaxRetryAttempts = 0;
                });
                services.AddOptions<MetaOptions>().Bind(configuration.GetSection(MetaOptions.SectionName));
                services.AddCallPermissions(configuration);
            },
            IncludeEnvironmentVariables = false,
            Settings =
            {
                ["Permissions:TablePrefix"] = _prefix,
                ["Meta:PhoneNumberIds:0"] = PhoneNumberId,
                ["Meta:DefaultPhoneNumberId"] = PhoneNumberId,
                [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
            },
            Keys = FunctionKeys.CreateRandom().AddFunctionKey("GetCallPermission", Key).AddFunctionKey("RequestCallPermission", Key),
        });
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
        _client.DefaultRequestHeaders.Add("x-functions-key", Key);
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _graph.DisposeAsync();
        await AzuriteTables.Client().DeleteTableAsync(_prefix + "CallPermissions");
    }

    [Fact]
    public async Task Get_shows_state_expiry_and_Metas_action_limits()
    {
        var expiry = T0.AddDays(3);
        _permissionsJson = Json("temporary", expiry, callsUsed: 4, callsMax: 10);

        using var response = await _client.GetAsync(new Uri($"api/permissions/{WaId}", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("temporary", root.GetProperty("status").GetString());
        Assert.Equal(expiry, root.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(root.GetProperty("canCall").GetBoolean());
        var startCall = root.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("actionName").GetString() == "start_call");
        var limit = startCall.GetProperty("limits")[0];
        Assert.Equal("PT24H", limit.GetProperty("timePeriod").GetString());
        Assert.Equal(10, limit.GetProperty("maxAllowed").GetInt32());
        Assert.Equal(4, limit.GetProperty("currentUsage").GetInt32());
    }

    [Fact]
    public async Task Request_is_accepted_then_the_second_is_a_429_problem_with_the_next_allowed_time()
    {
        using var first = await PostRequestAsync("""{"bodyText":"Can we call you?"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using (var sent = JsonDocument.Parse(await first.Content.ReadAsStringAsync()))
        {
            Assert.Equal("wamid.HTTP1", sent.RootElement.GetProperty("messageId").GetString());
        }

        using var second = await PostRequestAsync(null);
        using var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/call-permission-request-limit", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(T0.AddHours(24), problem.RootElement.GetProperty("nextRequestAllowedAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(24), second.Headers.RetryAfter?.Delta);
        Assert.Single(_graph.Requests, r => r.Path.EndsWith("/messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_when_Meta_says_permanent_exists_is_a_409_problem()
    {
        _messages = (HttpStatusCode.BadRequest, GraphStub.MetaError(138017));

        using var response = await PostRequestAsync(null);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("/call-permission-permanent", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    public async Task Invalid_wa_id_is_a_400_problem(string waId)
    {
        using var response = await _client.GetAsync(new Uri($"api/permissions/{waId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Body_text_with_a_lone_surrogate_is_a_400_problem()
    {
        using var response = await PostRequestAsync("""{"bodyText":"call us \ud800"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public async Task Body_text_that_is_not_a_string_is_a_400_problem()
    {
        using var response = await PostRequestAsync("""{"bodyText":42}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.Requests);
    }

    [Fact]
    public void Refused_dial_problem_names_the_limit_and_its_reset()
    {
        var decision = new CallPermissionDecision.LimitReached(
            new Shared.WhatsApp.Graph.Models.CallPermissionLimit { TimePeriod = "PT24H", MaxAllowed = 100, CurrentUsage = 100 }, T0.AddHours(3));

        var result = PermissionProblems.ForDecision(decision);
        var problem = Assert.IsType<Microsoft.AspNetCore.Mvc.ProblemDetails>(result.Value);

        Assert.Equal(429, result.StatusCode);
        Assert.Equal(T0.AddHours(3), problem.Extensions["resetsAt"]);
        Assert.Equal(100, problem.Extensions["maxAllowed"]);
    }

    [Theory]
    [InlineData("GET", "api/permissions/15550001111?phoneNumberId=7654321")]
    [InlineData("POST", "api/permissions/15550001111/request?phoneNumberId=7654321")]
    public async Task A_number_this_deployment_does_not_serve_is_a_400_problem_and_Meta_is_not_called(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _client.SendAsync(request);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("/unknown-phone-number-id", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Empty(_graph.Requests);
    }

    private Task<HttpResponseMessage> PostRequestAsync(string? json) =>
        _client.PostAsync(
            new Uri($"api/permissions/{WaId}/request", UriKind.Relative),
            json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
}
