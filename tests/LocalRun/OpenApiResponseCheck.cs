using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Functions.OpenApi;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// Checks every JSON response of the product's API against the served OpenAPI (Swagger 2.0) document: the operation
/// is found by method and path template, the response by status code, and the body must match its schema exactly
/// (declared types, <c>x-nullable</c>, required members, and no member the document does not declare). A mismatch
/// fails the request with <see cref="OpenApiMismatchException"/>, so every end-to-end test is also a test of the
/// document.
/// </summary>
public sealed class OpenApiResponseCheck : DelegatingHandler
{
    private static readonly Lazy<JsonObject> Document = new(() => JsonNode.Parse(OpenApiDocumentBuilder.SwaggerJson)!.AsObject());

    public OpenApiResponseCheck()
        : base(new HttpClientHandler { AllowAutoRedirect = false })
    {
    }

    /// <summary>How many responses were checked against a schema (tests assert the check really ran).</summary>
    public int Checked { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var errors = Check(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, body);
        if (errors is null)
        {
            return response;
        }

        Checked++;
        if (errors.Count > 0)
        {
            response.Dispose();
            throw new OpenApiMismatchException(
                $"{request.Method} {request.RequestUri.AbsolutePath} -> {(int)response.StatusCode} does not match the OpenAPI document:\n  "
                + string.Join("\n  ", errors) + "\nbody: " + body);
        }

        return response;
    }

    /// <summary>The mismatches of one response, or null when the document declares no schema for it.</summary>
    public static IReadOnlyList<string>? Check(string method, string path, int status, string body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var basePath = (string?)Document.Value["basePath"] ?? string.Empty;
        if (!path.StartsWith(basePath + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var operation = FindOperation(method.ToLowerInvariant(), path[basePath.Length..]);
        if (operation is null)
        {
            return [$"no operation {method} {path} in the document"];
        }

        var responses = operation["responses"]!.AsObject();
        var declared = responses[status.ToString(CultureInfo.InvariantCulture)] ?? responses["default"];
        if (declared is null)
        {
            return [$"status {status} is not declared for {operation["operationId"]}"];
        }

        if (declared["schema"] is not JsonObject schema)
        {
            return null;
        }

        var errors = new List<string>();
        Validate(JsonNode.Parse(body), schema, "$", errors);
        return errors;
    }

    private static JsonObject? FindOperation(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var (template, item) in Document.Value["paths"]!.AsObject())
        {
            var parts = template.Trim('/').Split('/');
            if (parts.Length == segments.Length
                && parts.Zip(segments).All(p => p.First.StartsWith('{') || string.Equals(p.First, p.Second, StringComparison.Ordinal))
                && item![method] is JsonObject operation)
            {
                return operation;
            }
        }

        return null;
    }

    private static JsonObject Resolve(JsonObject schema)
    {
        while (schema["$ref"] is JsonValue reference)
        {
            var name = reference.GetValue<string>()["#/definitions/".Length..];
            schema = Document.Value["definitions"]![name]!.AsObject();
        }

        return schema;
    }

    private static void Validate(JsonNode? value, JsonObject declared, string at, List<string> errors)
    {
        var nullable = declared["x-nullable"] is JsonValue flag && flag.GetValue<bool>();
        var schema = Resolve(declared);
        if (value is null)
        {
            // A schema with no type is "any JSON" (e.g. a problem's extension members), null included.
            if (!nullable && (schema["type"] is not null || schema["allOf"] is not null))
            {
                errors.Add($"{at}: null where the document does not allow null (x-nullable)");
            }

            return;
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var part in allOf)
            {
                Validate(value, part!.AsObject(), at, errors);
            }

            return;
        }

        var type = (string?)schema["type"];
        switch (type)
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    errors.Add($"{at}: expected an object, got {value.GetValueKind()}");
                    return;
                }

                var properties = schema["properties"] as JsonObject;
                foreach (var required in schema["required"]?.AsArray() ?? [])
                {
                    if (!obj.ContainsKey(required!.GetValue<string>()))
                    {
                        errors.Add($"{at}: required member '{required}' is missing");
                    }
                }

                foreach (var (name, member) in obj)
                {
                    if (properties?[name] is JsonObject property)
                    {
                        Validate(member, property, at + "." + name, errors);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Validate(member, additional, at + "." + name, errors);
                    }
                    else if (properties is not null || schema["additionalProperties"] is JsonValue { } no && !no.GetValue<bool>())
                    {
                        errors.Add($"{at}: member '{name}' is not in the document");
                    }
                }

                break;
            case "array":
                if (value is not JsonArray array)
                {
                    errors.Add($"{at}: expected an array, got {value.GetValueKind()}");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Validate(array[i], schema["items"]!.AsObject(), $"{at}[{i}]", errors);
                }

                break;
            case "string":
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.String)
                {
                    errors.Add($"{at}: expected a string, got {value.GetValueKind()}");
                }
                else if ((string?)schema["format"] == "date-time"
                    && !DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    errors.Add($"{at}: '{value}' is not a date-time");
                }

                break;
            case "integer":
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.Number || !long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{at}: expected an integer, got {value.ToJsonString()}");
                }

                break;
            case "number":
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
                {
                    errors.Add($"{at}: expected a number, got {value.GetValueKind()}");
                }

                break;
            case "boolean":
                if (value.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                {
                    errors.Add($"{at}: expected a boolean, got {value.GetValueKind()}");
                }

                break;
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, value)))
        {
            errors.Add($"{at}: {value.ToJsonString()} is not one of {values.ToJsonString()}");
        }
    }
}

/// <summary>A response of the API that its own OpenAPI document does not describe.</summary>
public sealed class OpenApiMismatchException(string message) : HttpRequestException(message);
