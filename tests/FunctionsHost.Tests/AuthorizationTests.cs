using System.Net;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class AuthorizationTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly string CallPath = $"api/calls/{Guid.Parse("6c4a1f0e-9a43-4a49-9d0b-2f1f2d64f0aa")}";

    [Fact]
    public async Task Anonymous_needs_no_key()
    {
        using var response = await fixture.Client.GetAsync(new Uri("api/Ping", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("host-key-456")]
    public async Task Function_level_without_a_valid_key_is_401_and_invokes_nothing(string? key)
    {
        var before = fixture.Invocations.Entries.Count(e => e == "GetCall");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(CallPath, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(before, fixture.Invocations.Entries.Count(e => e == "GetCall"));
    }

    [Theory]
    [InlineData(TestHosts.HostKey)]
    [InlineData(TestHosts.GetCallKey)]
    [InlineData(TestHosts.MasterKey)]
    public async Task Function_level_accepts_host_own_function_or_master_key_in_header(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(CallPath, UriKind.Relative));
        request.Headers.Add("x-functions-key", key);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(TestHosts.HostKey, HttpStatusCode.OK)]
    [InlineData(TestHosts.GetCallKey, HttpStatusCode.OK)]
    [InlineData("nope", HttpStatusCode.Unauthorized)]
    public async Task Function_level_reads_the_code_query_value(string key, HttpStatusCode expected)
    {
        using var response = await fixture.Client.GetAsync(new Uri($"{CallPath}?code={Uri.EscapeDataString(key)}", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_function_key_opens_only_its_own_function()
    {
        using var content = new StringContent("""{"to":"+15550001"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await fixture.Client.PostAsync(new Uri($"api/calls?code={TestHosts.GetCallKey}", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Header_key_takes_precedence_over_query_code()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{CallPath}?code={TestHosts.HostKey}", UriKind.Relative));
        request.Headers.Add("x-functions-key", "wrong");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(TestHosts.HostKey, HttpStatusCode.Unauthorized)]
    [InlineData(TestHosts.GetCallKey, HttpStatusCode.Unauthorized)]
    [InlineData(TestHosts.MasterKey, HttpStatusCode.OK)]
    public async Task Admin_level_accepts_only_the_master_key(string key, HttpStatusCode expected)
    {
        using var viaHeader = new HttpRequestMessage(HttpMethod.Post, new Uri("api/ops/flush", UriKind.Relative));
        viaHeader.Headers.Add("x-functions-key", key);
        using var headerResponse = await fixture.Client.SendAsync(viaHeader);
        using var queryResponse = await fixture.Client.PostAsync(new Uri($"api/ops/flush?code={key}", UriKind.Relative), null);

        Assert.Equal(expected, headerResponse.StatusCode);
        Assert.Equal(expected, queryResponse.StatusCode);
    }

    [Fact]
    public async Task Random_keys_are_generated_when_none_are_given()
    {
        await using var host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(TestHosts).Assembly)
        {
            IncludeEnvironmentVariables = false,
            Settings = new Dictionary<string, string?> { ["SweepSchedule"] = "0 0 * * * *" },
            ConfigureServices = (services, _) => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new Samples.Greeter("Hi")),
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var refused = await client.PostAsync(new Uri($"api/ops/flush?code={TestHosts.MasterKey}", UriKind.Relative), null);

        Assert.NotEqual(host.Keys.MasterKey, host.Keys.DefaultHostKey);
        Assert.True(host.Keys.MasterKey.Length >= 40);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData(TestHosts.HostKey, HttpStatusCode.Unauthorized)]
    [InlineData(TestHosts.MasterKey, HttpStatusCode.OK)]
    public async Task System_level_accepts_only_the_master_key(string key, HttpStatusCode expected)
    {
        using var response = await fixture.Client.GetAsync(new Uri($"api/system?code={key}", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Key_added_while_running_is_honoured()
    {
        const string rotated = "rotated-host-key";
        using var before = await fixture.Client.GetAsync(new Uri($"{CallPath}?code={rotated}", UriKind.Relative));

        fixture.Host.Keys.AddHostKey(rotated);
        using var after = await fixture.Client.GetAsync(new Uri($"{CallPath}?code={rotated}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task CreateClient_sends_the_given_key_and_no_key_by_default()
    {
        using var keyed = fixture.Host.CreateClient(TestHosts.MasterKey);
        using var plain = fixture.Host.CreateClient();

        using var admitted = await keyed.PostAsync(new Uri("api/ops/flush", UriKind.Relative), null);
        using var refused = await plain.PostAsync(new Uri("api/ops/flush", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}

public sealed class KeysOffTests
{
    [Fact]
    public async Task With_keys_off_function_and_admin_levels_are_served_without_a_key_as_core_tools_does()
    {
        var options = TestHosts.Options(hostJsonPath: null);
        await using var host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(options.FunctionsAssembly)
        {
            Keys = options.Keys,
            IncludeEnvironmentVariables = false,
            ConfigureServices = options.ConfigureServices,
            Settings = options.Settings,
            EnforceKeys = false,
        });
        using var client = host.CreateClient();

        using var call = await client.GetAsync(new Uri($"api/calls/{Guid.NewGuid()}", UriKind.Relative));
        using var admin = await client.PostAsync(new Uri("api/ops/flush", UriKind.Relative), null);

        Assert.False(host.EnforceKeys);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.True(admin.IsSuccessStatusCode);
    }
}
