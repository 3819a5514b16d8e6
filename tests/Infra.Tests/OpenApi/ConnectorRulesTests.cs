using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.OpenApi;

/// <summary>
/// Power Platform's certification rules for custom connectors, checked over the checked-in files a maker imports
/// (connector/apiDefinition.swagger.json and connector/apiProperties.json).
/// </summary>
public sealed class ConnectorRulesTests
{
    private static readonly JsonNode Definition = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiDefinition.swagger.json")))!;
    private static readonly JsonNode Properties = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiProperties.json")))!;
    private static readonly string[] Visibilities = ["important", "advanced", "internal"];

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations() =>
        Definition["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (p.Key, o.Key, o.Value!)));

    [Fact]
    public void Host_IsSetPerConnectionByTheDynamicHostPolicy()
    {
        Assert.Equal("https", (string?)Assert.Single(Definition["schemes"]!.AsArray()));
        Assert.False(string.IsNullOrEmpty((string?)Definition["host"]));
        var policy = Assert.Single(Properties["properties"]!["policyTemplateInstances"]!.AsArray(), p => (string?)p!["templateId"] == "dynamichosturl")!;
        var template = (string)policy["parameters"]!["x-ms-apimTemplateParameter.urlTemplate"]!;

        // The template names a connection parameter the maker fills in, and keeps the definition's base path.
        var parameters = Properties["properties"]!["connectionParameters"]!.AsObject();
        var match = System.Text.RegularExpressions.Regex.Match(template, @"^https://@connectionParameters\('(?<name>[A-Za-z_]+)'\)(?<path>/.*)$");
        Assert.True(match.Success, template);
        var hostParameter = parameters[match.Groups["name"].Value];
        Assert.NotNull(hostParameter);
        Assert.Equal("string", (string?)hostParameter["type"]);
        Assert.Equal("true", (string?)hostParameter["uiDefinition"]!["constraints"]!["required"]);
        Assert.Equal((string?)Definition["basePath"], match.Groups["path"].Value);
        Assert.Equal("securestring", (string?)parameters["api_key"]!["type"]);
    }

    [Fact]
    public void OnlyBusinessOperations_AreExposed()
    {
        var ids = Operations().Select(o => (string)o.Operation["operationId"]!).ToList();
        foreach (var internalOperation in new[] { "VerifyWebhook", "ReceiveWebhook", "MediaEvents", "GetOpenApiDocument", "PutCallingSettings" })
        {
            Assert.DoesNotContain(internalOperation, ids);
        }

        Assert.DoesNotContain(Operations(), o => o.Path.StartsWith("/webhook", StringComparison.Ordinal) || o.Path.StartsWith("/media", StringComparison.Ordinal) || o.Path == "/openapi.json");
        foreach (var (path, method, operation) in Operations())
        {
            Assert.True(operation["security"]?.AsArray().Count > 0, $"{method} {path} takes no key");
            // Internal: only the trigger's unsubscribe, which the platform calls through the subscription's Location.
            Assert.True((string?)operation["x-ms-visibility"] != "internal" || (method == "delete" && path == "/subscriptions/{id}"), $"{method} {path} is internal");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{method} {path} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["description"]), $"{method} {path} has no description");
        }

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void EveryParameterAndProperty_HasSummaryAndDescription()
    {
        var missing = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                var at = $"{method} {path} {(string)parameter!["name"]!}";
                Require(parameter, at, missing);
                if (parameter["schema"] is { } schema)
                {
                    Walk(schema, at, missing);
                }
            }
        }

        foreach (var (name, schema) in Definition["definitions"]!.AsObject())
        {
            Walk(schema!, name, missing);
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));

        static void Walk(JsonNode schema, string at, List<string> missing)
        {
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
            {
                if (property!["$ref"] is null)
                {
                    Require(property, at + "." + name, missing);
                }

                Walk(property, at + "." + name, missing);
            }

            foreach (var part in schema["allOf"]?.AsArray() ?? [])
            {
                Walk(part!, at, missing);
            }

            if (schema["items"] is { } items)
            {
                Walk(items, at + "[]", missing);
            }
        }

        static void Require(JsonNode node, string at, List<string> missing)
        {
            if (string.IsNullOrWhiteSpace((string?)node["x-ms-summary"]))
            {
                missing.Add(at + ": no x-ms-summary");
            }

            if (string.IsNullOrWhiteSpace((string?)node["description"]))
            {
                missing.Add(at + ": no description");
            }

            if (node["x-ms-visibility"] is { } visibility && !Visibilities.Contains((string?)visibility))
            {
                missing.Add(at + ": x-ms-visibility " + visibility.ToJsonString());
            }
        }
    }

    [Fact]
    public void Visibility_IsUsedDeliberately()
    {
        var values = All(Definition).Select(n => (string?)n["x-ms-visibility"]).Where(v => v is not null).ToList();
        Assert.Contains("important", values);
        Assert.Contains("advanced", values);
        Assert.All(values, v => Assert.Contains(v, Visibilities));

        // What a flow must fill in to place a call is never hidden.
        Assert.Equal("important", (string?)Definition["definitions"]!["DialRequest"]!["properties"]!["to"]!["x-ms-visibility"]);
    }

    [Fact]
    public void EveryEnum_CarriesItsDisplayNames()
    {
        var enums = All(Definition).Where(n => n["enum"] is JsonArray).ToList();
        Assert.NotEmpty(enums);
        foreach (var schema in enums)
        {
            var values = schema["enum"]!.AsArray().Select(v => (string)v!).ToList();
            var named = schema["x-ms-enum-values"]?.AsArray();
            Assert.True(named is not null, "enum without x-ms-enum-values: " + schema.ToJsonString());
            Assert.Equal(values, named.Select(n => (string)n!["value"]!));
            Assert.All(named, n => Assert.False(string.IsNullOrWhiteSpace((string?)n!["displayName"])));
        }
    }

    [Fact]
    public void PhoneNumberFields_OfferTheConfiguredNumbers()
    {
        var fields = new List<JsonNode>();
        fields.AddRange(Operations().SelectMany(o => o.Operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["name"] == "phoneNumberId")!);
        fields.Add(Definition["definitions"]!["DialRequest"]!["properties"]!["from"]!);
        // Inputs only: the request definitions.
        fields.AddRange(Definition["definitions"]!.AsObject().Where(d => d.Key.EndsWith("Request", StringComparison.Ordinal))
            .SelectMany(d => All(d.Value!)).SelectMany(d => d["properties"]?.AsObject() ?? []).Where(p => p.Key == "phoneNumberId").Select(p => p.Value!));
        Assert.True(fields.Count >= 5, $"only {fields.Count} phone number fields");

        var list = Assert.Single(Operations(), o => (string?)o.Operation["operationId"] == "ListPhoneNumbers");
        Assert.Equal(("/phone-numbers", "get"), (list.Path, list.Method));
        var listed = Definition["definitions"]!["PhoneNumberList"]!;
        foreach (var field in fields)
        {
            var dynamic = field["x-ms-dynamic-values"];
            Assert.True(dynamic is not null, "no x-ms-dynamic-values: " + field.ToJsonString());
            Assert.Equal("ListPhoneNumbers", (string?)dynamic["operationId"]);
            var collection = listed["properties"]![(string)dynamic["value-collection"]!]!;
            Assert.NotNull(collection["items"]!["properties"]![(string)dynamic["value-path"]!]);
            Assert.NotNull(collection["items"]!["properties"]![(string)dynamic["value-title"]!]);
        }
    }

    /// <summary>Every object in <paramref name="node"/>, itself included.</summary>
    [Fact]
    public void Wording_FollowsTheCertificationStyle()
    {
        // Title up to 30 characters; description 30-500; operation summaries up to 80 characters without a final
        // period; descriptions are sentences; x-ms-summary labels are short and unpunctuated.
        var title = (string)Definition["info"]!["title"]!;
        Assert.InRange(title.Length, 1, 30);
        Assert.InRange(((string)Definition["info"]!["description"]!).Length, 30, 500);
        var wrong = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var summary = (string)operation["summary"]!;
            if (summary.Length > 80 || summary.EndsWith('.'))
            {
                wrong.Add($"{method} {path}: summary '{summary}'");
            }

            if (!((string)operation["description"]!).TrimEnd().EndsWith('.'))
            {
                wrong.Add($"{method} {path}: description is not a sentence");
            }
        }

        foreach (var node in All(Definition))
        {
            if ((string?)node["x-ms-summary"] is { } label && (label.Length > 80 || label.EndsWith('.')))
            {
                wrong.Add($"x-ms-summary '{label}'");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void CallEventsTrigger_FollowsThePlatformsWebhookPattern()
    {
        var trigger = Assert.Single(Operations(), o => o.Operation["x-ms-trigger"] is not null);
        Assert.Equal(("/subscriptions", "post", "single"), (trigger.Path, trigger.Method, (string?)trigger.Operation["x-ms-trigger"]));
        Assert.Equal("When a call changes state", (string?)trigger.Operation["summary"]);

        // The platform fills in its callback URL: one required body member, marked and hidden from makers.
        var body = Assert.Single(trigger.Operation["parameters"]!.AsArray(), p => (string?)p!["in"] == "body")!;
        var request = Resolve(body["schema"]!);
        var url = Assert.Single(request["properties"]!.AsObject(), p => p.Value!["x-ms-notification-url"] is not null);
        Assert.True((bool)url.Value!["x-ms-notification-url"]!);
        Assert.Equal("internal", (string?)url.Value["x-ms-visibility"]);
        Assert.Contains(url.Key, request["required"]!.AsArray().Select(r => (string?)r));

        // Every status callback event can trigger a flow.
        var events = request["properties"]!["events"]!["items"]!["enum"]!.AsArray().Select(e => (string)e!);
        Assert.Equal(Serverless.Functions.Callbacks.CallbackEventTypes.All, events);

        // 201 with Location (what the platform DELETEs to unsubscribe), and that DELETE is an operation.
        Assert.NotNull(trigger.Operation["responses"]!["201"]!["headers"]!["Location"]);
        Assert.Single(Operations(), o => o.Path == "/subscriptions/{id}" && o.Method == "delete");

        // The trigger's outputs are the callback's body.
        var content = Resolve(trigger.Operation["x-ms-notification-content"]!["schema"]!);
        foreach (var member in new[] { "eventId", "callId", "type", "occurredAt", "state", "outcome", "input", "inputs", "recording" })
        {
            Assert.NotNull(content["properties"]![member]);
        }
    }

    private static JsonNode Resolve(JsonNode schema) =>
        schema["$ref"] is { } reference ? Definition["definitions"]![((string)reference!)["#/definitions/".Length..]]! : schema;

    private static IEnumerable<JsonObject> All(JsonNode node)
    {
        if (node is JsonObject self)
        {
            yield return self;
        }

        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(All))
        {
            yield return child;
        }
    }
}
