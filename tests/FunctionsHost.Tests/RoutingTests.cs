using System.Net;
using System.Text.Json;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class RoutingTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public void Host_listens_on_loopback_with_a_picked_port()
    {
        Assert.Equal("127.0.0.1", fixture.Host.BaseAddress.Host);
        Assert.NotEqual(0, fixture.Host.BaseAddress.Port);
        Assert.Equal("api", fixture.Host.RoutePrefix);
    }

    [Fact]
    public async Task Default_route_is_the_function_name_under_the_prefix()
    {
        using var response = await Client.GetAsync(new Uri("api/Ping?name=Ada", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Hello, Ada", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Routes_match_case_insensitively_like_the_host()
    {
        using var response = await Client.GetAsync(new Uri("API/ping", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Route_without_the_prefix_is_404()
    {
        using var response = await Client.GetAsync(new Uri("Ping", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_route_is_404_with_empty_body()
    {
        using var response = await Client.GetAsync(new Uri("api/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    // The Functions host routes by (template, method): a method the function does not list matches no
    // route, so the host answers 404, not 405 (Azure/azure-functions-host#10098).
    [Fact]
    public async Task Method_not_listed_by_the_function_is_404_like_the_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("api/Ping", UriKind.Relative));
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Head_is_not_implied_by_get()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri("api/Ping", UriKind.Relative));
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Same_template_with_different_methods_reaches_each_function()
    {
        var id = Guid.NewGuid();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri($"api/calls/{id}?code={TestHosts.HostKey}", UriKind.Relative));
        using var deleted = await Client.SendAsync(delete);
        using var got = await Client.GetAsync(new Uri($"api/calls/{id}?code={TestHosts.HostKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains($"DeleteCall {id}", fixture.Invocations.Entries);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
    }

    [Fact]
    public async Task Route_constraint_mismatch_is_404_and_invokes_nothing()
    {
        var before = fixture.Invocations.Entries.Count(e => e == "GetCall");
        using var response = await Client.GetAsync(new Uri($"api/calls/not-a-guid?code={TestHosts.HostKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Invocations.Entries.Count(e => e == "GetCall"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Trigger_without_methods_accepts_every_method(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri("api/any", UriKind.Relative));
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(method, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionUri_combines_base_prefix_and_route()
    {
        var uri = fixture.Host.FunctionUri("calls/42");

        Assert.Equal(new Uri(fixture.Host.BaseAddress, "api/calls/42"), uri);
    }
}
