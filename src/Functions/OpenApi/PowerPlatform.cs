using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Serverless.Functions.OpenApi;

/// <summary>
/// Power Platform's OpenAPI extensions (x-ms-summary, x-ms-visibility, x-ms-enum-values, x-ms-dynamic-values): what
/// Power Automate and Logic Apps show for each field. <see cref="Annotate"/> fills the mechanical ones over every
/// schema, so a property added to a resource type is labelled without a second list to keep in step.
/// </summary>
internal static class PowerPlatform
{
    public const string Internal = "internal";
    public const string Advanced = "advanced";
    public const string Important = "important";

    /// <summary>
    /// Properties shown under "advanced" (rarely used) or "important" (always shown), by "Definition.property"; the
    /// rest keep Power Automate's default. Deliberate: the fields a flow needs first are the ones not hidden.
    /// </summary>
    private static readonly Dictionary<string, string> Visibility = new(StringComparer.Ordinal)
    {
        ["DialRequest.to"] = Important,
        ["DialRequest.from"] = Advanced,
        ["DialRequest.callbackUrl"] = Advanced,
        ["DialRequest.bizOpaqueCallbackData"] = Advanced,
        ["DialRequest.metadata"] = Advanced,
        ["Call.id"] = Important,
        ["Call.state"] = Important,
        ["Call.outcome"] = Important,
        ["Call.wacid"] = Advanced,
        ["Call.deadline"] = Advanced,
        ["Call.events"] = Advanced,
        ["Call.media"] = Advanced,
        ["Call.answerReceivedAt"] = Advanced,
        ["Call.mediaConnectedAt"] = Advanced,
        ["Call.bizOpaqueCallbackData"] = Advanced,
        ["PlayRequest.bargeIn"] = Advanced,
        ["CallList.continuationToken"] = Advanced,
        ["SubscriptionRequest.url"] = Internal,
        ["SubscriptionRequest.events"] = Important,
        ["SubscriptionRequest.phoneNumberId"] = Advanced,
        ["CallEvent.eventId"] = Advanced,
        ["CallEvent.media"] = Advanced,
    };

    /// <summary>Labels a parameter or body whose wording the generic rule would get wrong.</summary>
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["id"] = "ID",
        ["callId"] = "Call ID",
        ["eventId"] = "Event ID",
        ["playId"] = "Play ID",
        ["wacid"] = "WhatsApp call ID",
        ["waId"] = "WhatsApp user",
        ["to"] = "To",
        ["from"] = "From",
        ["url"] = "URL",
        ["callbackUrl"] = "Callback URL",
        ["bizOpaqueCallbackData"] = "Opaque callback data",
        ["mos"] = "MOS",
        ["ms"] = "Length (ms)",
        ["hz"] = "Frequency (Hz)",
        ["phoneNumberId"] = "Business phone number",
    };

    public static Dictionary<string, IOpenApiExtension> Summary(string summary) => new(StringComparer.Ordinal)
    {
        ["x-ms-summary"] = new JsonNodeExtension(summary),
    };

    /// <summary>The choices of a business phone number field: <c>GET /api/phone-numbers</c>.</summary>
    public static JsonNodeExtension PhoneNumberChoices() => new(new JsonObject
    {
        ["operationId"] = Api.PhoneNumbersApi.FunctionName,
        ["value-collection"] = "phoneNumbers",
        ["value-path"] = "id",
        ["value-title"] = "displayName",
    });

    /// <summary>
    /// Adds to every schema property an x-ms-summary (a label from its name) and its <see cref="Visibility"/>, and to
    /// every enum its x-ms-enum-values (display names from the values).
    /// </summary>
    public static void Annotate(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            Walk(schema, name);
        }

        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter.Schema is OpenApiSchema schema)
                {
                    AddEnumValues(schema);
                }
            }
        }
    }

    private static void Walk(IOpenApiSchema schema, string at)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        AddEnumValues(concrete);
        foreach (var part in concrete.AllOf ?? [])
        {
            Walk(part, at);
        }

        if (concrete.Items is { } items)
        {
            Walk(items, at);
        }

        if (concrete.AdditionalProperties is { } additional)
        {
            Walk(additional, at);
        }

        foreach (var (name, property) in concrete.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (property is OpenApiSchema labelled)
            {
                labelled.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
                labelled.Extensions.TryAdd("x-ms-summary", new JsonNodeExtension(Label(name)));
                if (Visibility.TryGetValue(at + "." + name, out var visibility))
                {
                    labelled.Extensions["x-ms-visibility"] = new JsonNodeExtension(visibility);
                }
            }

            Walk(property, at + "." + name);
        }
    }

    private static void AddEnumValues(OpenApiSchema schema)
    {
        if (schema.Enum is not { Count: > 0 } values)
        {
            return;
        }

        var list = new JsonArray();
        foreach (var value in values)
        {
            var text = value!.GetValue<string>();
            list.Add(new JsonObject { ["value"] = text, ["displayName"] = Label(text.StartsWith("call.", StringComparison.Ordinal) ? text[5..] : text) });
        }

        schema.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        schema.Extensions.TryAdd("x-ms-enum-values", new JsonNodeExtension(list));
    }

    /// <summary>A label from a camelCase name: <c>durationSeconds</c> → "Duration seconds", <c>jitterMs</c> → "Jitter (ms)".</summary>
    public static string Label(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Summaries.TryGetValue(name, out var known))
        {
            return known;
        }

        var unit = name.EndsWith("Ms", StringComparison.Ordinal) && name.Length > 2 ? " (ms)" : string.Empty;
        var text = unit.Length > 0 ? name[..^2] : name;
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if ((char.IsUpper(c) || c is '.' or '_' or '-') && word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
        }

        words.Add(word.ToString());
        var label = string.Join(' ', words.Where(w => w.Length > 0).Select(w => w is "id" or "url" or "sdp" or "mos" ? w.ToUpperInvariant() : w));
        return char.ToUpperInvariant(label[0]) + label[1..] + unit;
    }
}
