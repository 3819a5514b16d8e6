using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.OpenApi;
using Serverless.Testing.FunctionsHost;

namespace Serverless.Infra.Tests.OpenApi;

/// <summary>
/// GET /api/openapi.json over real HTTP (127.0.0.1) through the Functions test host, with no services registered:
/// the function is anonymous and needs nothing beyond itself. The host's own route discovery is the list of HTTP
/// functions the document must cover.
/// </summary>
public sealed class OpenApiServedOverHttpTests : IAsyncLifetime
{
    private FunctionsTestHost? _host;

    private FunctionsTestHost Host => _host ?? throw new InvalidOperationException("host not started");

    public async Task InitializeAsync() =>
        _host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(OpenApiFunction).Assembly)
        {
            IncludeEnvironmentVariables = false,
            HostJsonPath = RepoPaths.Of("host.json"),
            Settings = { [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule },
        });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetOpenApiJson_Anonymous_ServesTheDocumentTheConnectorIsCutFrom()
    {
        using var client = Host.CreateClient();
        using var response = await client.GetAsync(new Uri("api/openapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(OpenApiDocumentBuilder.SwaggerJson, text);
        var served = JsonNode.Parse(text)!;

        // Every operation of the checked-in connector is served, as the connector describes it.
        var connector = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Of("connector", "apiDefinition.swagger.json")))!;
        foreach (var (path, item) in connector["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                Assert.True(JsonNode.DeepEquals(operation, served["paths"]![path]?[method]), $"{method} {path} differs from the served document");
            }
        }
    }

    [Fact]
    public async Task EveryServedHttpFunction_IsInTheDocumentWithItsRouteMethodAndKeyRequirement()
    {
        using var client = Host.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync(new Uri("api/openapi.json", UriKind.Relative)))!;
        var basePath = (string)document["basePath"]!;
        Assert.Equal("/" + Host.RoutePrefix, basePath);

        var http = Host.Functions.Http;
        Assert.True(http.Length >= 12, $"the host served only {http.Length} HTTP functions");
        foreach (var function in http)
        {
            var path = document["paths"]![(string)("/" + function.Route)];
            Assert.True(path is not null, $"{function.Name}: route /{function.Route} is not in the document");
            foreach (var method in function.HttpMethods)
            {
                var operation = path[method.ToLowerInvariant()];
                Assert.True(operation is not null, $"{function.Name}: {method} /{function.Route} is not in the document");
                Assert.Equal(function.Name, (string?)operation["operationId"]);
                var keyed = operation["security"]?.AsArray().Count > 0;
                Assert.Equal(function.AuthLevel != AuthorizationLevel.Anonymous, keyed);
            }
        }
    }
}
