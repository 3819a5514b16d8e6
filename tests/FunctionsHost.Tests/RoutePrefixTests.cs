using System.Net;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class RoutePrefixTests
{
    [Theory]
    [InlineData("hooks", "hooks/Ping", "api/Ping")]
    [InlineData("v1/public", "v1/public/Ping", "api/Ping")]
    [InlineData("", "Ping", "api/Ping")]
    [InlineData(null, "api/Ping", "Ping")]
    public async Task Route_prefix_comes_from_host_json(string? prefix, string served, string notServed)
    {
        var hostJson = TestHosts.WriteHostJson(prefix);
        try
        {
            await using var host = await TestHosts.StartAsync(hostJson);
            using var client = new HttpClient { BaseAddress = host.BaseAddress };

            using var hit = await client.GetAsync(new Uri(served, UriKind.Relative));
            using var miss = await client.GetAsync(new Uri(notServed, UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        }
        finally
        {
            File.Delete(hostJson);
        }
    }

    [Fact]
    public async Task Missing_host_json_means_prefix_api()
    {
        await using var host = await TestHosts.StartAsync(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.json"));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync(new Uri("api/Ping", UriKind.Relative));

        Assert.Equal("api", host.RoutePrefix);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "/calls/" } } }""", "calls")]
    [InlineData("""{ "Extensions": { "Http": { "RoutePrefix": "x" } } }""", "x")]
    [InlineData("""{ "extensions": { "http": { } } }""", "api")]
    [InlineData("""{ "version": "2.0", /* comment */ "extensions": { "queues": { } }, }""", "api")]
    public void HostJson_route_prefix_parsing(string json, string expected) =>
        Assert.Equal(expected, HostJsonSettings.Parse(json).RoutePrefix);
}
