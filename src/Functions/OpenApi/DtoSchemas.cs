using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.OpenApi;

namespace Serverless.Functions.OpenApi;

/// <summary>
/// Swagger 2.0 schemas made from the response types themselves (through <see cref="JsonSchemaExporter"/> with the
/// JSON options the API writes with), so the document cannot drift from what the API returns: a property added to a
/// resource appears here, with the spelling and nullability the serializer gives it. Descriptions come from
/// <see cref="DescriptionAttribute"/> on the type and its properties.
/// </summary>
internal static class DtoSchemas
{
    /// <summary>The options responses are written with (ASP.NET Core's web defaults: camelCase, nulls written).</summary>
    /// <remarks>Numbers are written as numbers; the web defaults' lenient reading of quoted numbers is no part of what we return.</remarks>
    public static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>
    /// The schema of <paramref name="type"/>. Nested types that are themselves named in <paramref name="named"/>
    /// become references to their definition; all others are inlined.
    /// </summary>
    public static IOpenApiSchema For(Type type, OpenApiDocument document, IReadOnlyDictionary<Type, string> named)
    {
        ArgumentNullException.ThrowIfNull(type);
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Describe(context, node, type, named),
        };
        var node = ApiJson.GetJsonSchemaAsNode(type, exporterOptions);
        return Convert(node, document, isRoot: true);
    }

    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode node, Type root, IReadOnlyDictionary<Type, string> named)
    {
        var type = context.TypeInfo.Type;
        if (type != root && context.PropertyInfo is null && named.TryGetValue(type, out var reference))
        {
            // Array items and the like of a named type: point at its definition.
            return new JsonObject { ["$ref"] = "#/definitions/" + reference };
        }

        if (node is not JsonObject schema)
        {
            return node;
        }

        if (context.PropertyInfo is { } property && named.TryGetValue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, out var propertyReference))
        {
            // A property of a named type: the reference keeps nullability as x-nullable beside an allOf.
            var nullable = IsNullable(schema);
            var replaced = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/definitions/" + propertyReference }) };
            if (nullable)
            {
                replaced["x-nullable"] = true;
            }

            AddDescription(replaced, property.AttributeProvider);
            return replaced;
        }

        AddDescription(schema, context.PropertyInfo?.AttributeProvider ?? (context.PropertyInfo is null ? type : null));
        return schema;
    }

    private static bool IsNullable(JsonObject schema) =>
        schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");

    private static void AddDescription(JsonObject schema, ICustomAttributeProvider? provider)
    {
        if (provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).FirstOrDefault() is DescriptionAttribute { Description: { Length: > 0 } text })
        {
            schema["description"] = text;
        }
    }

    private static IOpenApiSchema Convert(JsonNode? node, OpenApiDocument document, bool isRoot = false)
    {
        if (node is not JsonObject json)
        {
            // true / {}: any JSON. Swagger 2.0 has no "any"; an object is what the API holds there.
            return new OpenApiSchema { Type = JsonSchemaType.Object };
        }

        if (json["$ref"] is JsonValue reference)
        {
            return new OpenApiSchemaReference(reference.GetValue<string>()["#/definitions/".Length..], document);
        }

        var schema = new OpenApiSchema
        {
            Description = (string?)json["description"],
            Format = (string?)json["format"],
        };

        if (json["allOf"] is JsonArray allOf)
        {
            schema.AllOf = [.. allOf.Select(s => Convert(s, document))];
        }

        var nullable = json["x-nullable"] is JsonValue flag && flag.GetValue<bool>();
        switch (json["type"])
        {
            case JsonValue single:
                schema.Type = TypeOf(single.GetValue<string>());
                break;
            case JsonArray many:
                foreach (var name in many.Select(t => t!.GetValue<string>()))
                {
                    if (name == "null")
                    {
                        nullable = true;
                    }
                    else
                    {
                        schema.Type = (schema.Type ?? 0) | TypeOf(name);
                    }
                }

                break;
            default:
                if (schema.AllOf is null)
                {
                    schema.Type = JsonSchemaType.Object;
                }

                break;
        }

        if (nullable && !isRoot)
        {
            (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-nullable"] = new JsonNodeExtension(JsonValue.Create(true));
        }

        if (json["properties"] is JsonObject properties)
        {
            schema.Properties = properties.ToDictionary(p => p.Key, p => Convert(p.Value, document), StringComparer.Ordinal);
        }

        if (json["required"] is JsonArray required && required.Count > 0)
        {
            schema.Required = new HashSet<string>(required.Select(r => r!.GetValue<string>()), StringComparer.Ordinal);
        }

        if (json["items"] is { } items)
        {
            schema.Items = Convert(items, document);
        }

        if (json["additionalProperties"] is JsonObject additional)
        {
            schema.AdditionalProperties = Convert(additional, document);
        }

        if (json["enum"] is JsonArray values)
        {
            schema.Enum = [.. values.Where(v => v is not null).Select(v => v!.DeepClone())];
        }

        return schema;
    }

    private static JsonSchemaType TypeOf(string name) => name switch
    {
        "string" => JsonSchemaType.String,
        "integer" => JsonSchemaType.Integer,
        "number" => JsonSchemaType.Number,
        "boolean" => JsonSchemaType.Boolean,
        "array" => JsonSchemaType.Array,
        _ => JsonSchemaType.Object,
    };
}
