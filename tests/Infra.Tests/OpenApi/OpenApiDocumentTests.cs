using System.Net.Http;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Serverless.Functions.OpenApi;

namespace Serverless.Infra.Tests.OpenApi;

/// <summary>The served OpenAPI document: valid Swagger 2.0, complete, and identical to the checked-in connector.</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string ConnectorFile = RepoPaths.Of("connector", "apiDefinition.swagger.json");

    private static ReadResult Read(string json)
    {
        var settings = new OpenApiReaderSettings();
        return OpenApiDocument.Parse(json, OpenApiConstants.Json, settings);
    }

    [Fact]
    public void Document_ParsesAsSwagger2WithoutErrorsAndValidates()
    {
        var result = Read(OpenApiDocumentBuilder.SwaggerJson);
        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi2_0, result.Diagnostic.SpecificationVersion);
        var errors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public void Document_DeclaresTheFunctionKeyHeaderAsItsOneSecurityDefinition()
    {
        var json = JsonNode.Parse(OpenApiDocumentBuilder.SwaggerJson)!;
        Assert.Equal("2.0", (string?)json["swagger"]);
        Assert.Equal("/api", (string?)json["basePath"]);
        // Power Automate custom connectors take one API-key definition; the code query form is described in it.
        var schemes = json["securityDefinitions"]!.AsObject();
        var scheme = Assert.Single(schemes).Value!;
        Assert.Equal("apiKey", (string?)scheme["type"]);
        Assert.Equal("header", (string?)scheme["in"]);
        Assert.Equal("x-functions-key", (string?)scheme["name"]);
        Assert.Contains("code query parameter", (string?)scheme["description"], StringComparison.Ordinal);
    }

    [Fact]
    public void Document_CoversEveryHttpFunction()
    {
        var functions = HttpFunctions().ToList();
        Assert.True(functions.Count >= 12, $"only {functions.Count} HTTP functions found by reflection");
        var document = OpenApiDocumentBuilder.Build();
        var operations = document.Paths
            .SelectMany(p => p.Value.Operations!.Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value)))
            .ToList();

        foreach (var function in functions)
        {
            var operation = operations.SingleOrDefault(o => o.Operation.OperationId == function.Name);
            Assert.True(operation.Operation is not null, $"HTTP function {function.Name} is not in the OpenAPI document");
            Assert.Equal("/" + function.Route, operation.Path);
            Assert.Contains(operation.Method.Method, function.Methods, StringComparer.OrdinalIgnoreCase);
            Assert.False(string.IsNullOrWhiteSpace(operation.Operation.Summary), $"{function.Name} has no summary");

            // Keyed functions need the key in the document; anonymous ones must not ask for it.
            var keyed = operation.Operation.Security is { Count: > 0 };
            Assert.Equal(function.Level != AuthorizationLevel.Anonymous, keyed);
        }

        Assert.Equal(functions.Count, operations.Count);
    }

    [Fact]
    public void GeneratedSchemas_DescribeEveryMember()
    {
        // The response schemas come from the resource types; a member without [Description] would reach the
        // connector's users unexplained.
        var definitions = JsonNode.Parse(OpenApiDocumentBuilder.SwaggerJson)!["definitions"]!.AsObject();
        var missing = new List<string>();
        foreach (var name in new[] { "Call", "CallList", "Dial", "CallPermission", "Play" })
        {
            Collect(definitions[name]!, name, missing);
        }

        Assert.True(missing.Count == 0, "members without a description: " + string.Join(", ", missing));

        static void Collect(JsonNode schema, string at, List<string> missing)
        {
            foreach (var (member, value) in schema["properties"]?.AsObject() ?? [])
            {
                if (value!["description"] is null && value["$ref"] is null)
                {
                    missing.Add(at + "." + member);
                }

                Collect(value, at + "." + member, missing);
            }

            if (schema["items"] is { } items)
            {
                Collect(items, at + "[]", missing);
            }
        }
    }

    [Fact]
    public void Connector_IsTheServedDocumentLessItsInternalOperations()
    {
        var served = JsonNode.Parse(OpenApiDocumentBuilder.SwaggerJson)!;
        var connector = JsonNode.Parse(OpenApiDocumentBuilder.ConnectorJson)!;
        var servedOperations = Operations(served).ToDictionary(o => o.Id, o => o.Operation);
        var connectorOperations = Operations(connector).ToList();
        foreach (var (id, operation) in connectorOperations)
        {
            Assert.True(servedOperations.TryGetValue(id, out var same), $"{id} is in the connector but not served");
            Assert.True(JsonNode.DeepEquals(same, operation), $"{id} differs between the connector and the served document");
        }

        var left = servedOperations.Keys.Except(connectorOperations.Select(o => o.Id)).Order(StringComparer.Ordinal).ToList();
        // The agent console's and the dashboard's routes are their pages' (a signed-in user, no key) and the console's
        // queue set-up and the analytics backfill are Admin level.
        Assert.Equal(["EraseUser", "GetAnalyticsBackfill", "GetOpenApiDocument", "MediaEvents", "PutCallingSettings", "PutConsoleQueue", "ReceiveWebhook", "StartAnalyticsBackfill", "VerifyWebhook"],
            left.Where(id => !id.StartsWith("Console", StringComparison.Ordinal) && !id.StartsWith("Dashboard", StringComparison.Ordinal)));
        Assert.Equal(5, left.Count(id => id.StartsWith("Dashboard", StringComparison.Ordinal)));
        Assert.Equal(16, left.Count(id => id.StartsWith("Console", StringComparison.Ordinal)));
        Assert.True(JsonNode.DeepEquals(served["definitions"], connector["definitions"]));
        Assert.Equal(OpenApiDocumentBuilder.ConnectorPlaceholderHost, (string?)connector["host"]);
        Assert.Equal("/api", (string?)connector["basePath"]);
        Assert.Equal("https", (string?)Assert.Single(connector["schemes"]!.AsArray()));

        static IEnumerable<(string Id, JsonNode Operation)> Operations(JsonNode document) =>
            document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => ((string)o.Value!["operationId"]!, o.Value!)));
    }

    [Fact]
    public void CheckedInConnector_EqualsTheGeneratedConnector()
    {
        if (Environment.GetEnvironmentVariable("UPDATE_CONNECTOR") == "1")
        {
            // Explicit refresh after an API change; the comparison below still runs.
            File.WriteAllText(ConnectorFile, OpenApiDocumentBuilder.ConnectorJson.TrimEnd('\n') + "\n");
        }

        Assert.True(File.Exists(ConnectorFile), "connector/apiDefinition.swagger.json is missing");
        var checkedIn = File.ReadAllText(ConnectorFile).ReplaceLineEndings("\n").TrimEnd('\n');
        Assert.True(checkedIn == OpenApiDocumentBuilder.ConnectorJson.TrimEnd('\n'),
            "connector/apiDefinition.swagger.json differs from the generated connector; regenerate it with "
            + "UPDATE_CONNECTOR=1 dotnet test tests/Infra.Tests --filter CheckedInConnector");
    }

    [Fact]
    public void OpenApiFunction_ServesTheDocumentAsJson()
    {
        var result = Assert.IsType<ContentResult>(OpenApiFunction.Get(new DefaultHttpContext().Request));
        Assert.Equal(StatusCodes.Status200OK, result.StatusCode);
        Assert.StartsWith("application/json", result.ContentType, StringComparison.Ordinal);
        Assert.Equal(OpenApiDocumentBuilder.SwaggerJson, result.Content);
    }

    [Fact]
    public void ConnectorProperties_NameTheFunctionKeyConnectionParameter()
    {
        var properties = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiProperties.json")))!;
        var key = properties["properties"]!["connectionParameters"]!["api_key"]!;
        Assert.Equal("securestring", (string?)key["type"]);
    }

    private static IEnumerable<(string Name, string Route, string[] Methods, AuthorizationLevel Level)> HttpFunctions()
    {
        var methods = typeof(OpenApiFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly));
        foreach (var method in methods)
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            yield return (function.Name, trigger.Route ?? function.Name, trigger.Methods ?? [], trigger.AuthLevel);
        }
    }
}
