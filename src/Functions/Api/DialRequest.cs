using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Serverless.Functions.Calls;
using Serverless.Functions.Http;

namespace Serverless.Functions.Api;

/// <summary>
/// Body of <c>POST /api/calls</c>: <c>{to, from?, audio?, callbackUrl?, metadata?, bizOpaqueCallbackData?}</c>.
/// Read by hand from a <see cref="JsonDocument"/>, so every shape error is a 400 with a reason (model binding
/// would fail the invocation with a 500).
/// </summary>
public sealed record DialRequest
{
    public const int MaxOpaqueDataLength = 512;

    /// <summary>
    /// The outbound call this dial places: its metadata (and any <paramref name="extraMetadata"/>), the callback URL,
    /// the business opaque data, Preparing with the flow's deadlines. Placed now or by the scheduler, a call looks the same.
    /// </summary>
    public CallRecord ToOutboundCall(
        string callId, string from, string waId, DateTimeOffset now, CallTimeouts timeouts, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
        foreach (var (key, value) in extraMetadata ?? CallRecord.NoMetadata)
        {
            metadata[key] = value;
        }

        return CallRecord.NewOutbound(callId, from, waId, now, timeouts) with
        {
            BizOpaqueData = BizOpaqueCallbackData,
            Metadata = metadata,
            CallbackUrl = CallbackUrl?.AbsoluteUri,
        };
    }

    public const int MaxMetadataEntries = 16;
    public const int MaxMetadataValueLength = 256;

    public required string To { get; init; }
    public string? From { get; init; }
    public JsonElement? Audio { get; init; }
    public Uri? CallbackUrl { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Parses the body; <paramref name="problem"/> names the field that is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out DialRequest? request, out string? problem, out bool invalidJson)
    {
        request = null;
        invalidJson = !JsonObjectBody.TryParse(body, out var doc, out problem);
        if (invalidJson)
        {
            return false;
        }

        using (doc)
        {
            var root = doc!.RootElement;

            if (!TryString(root, "to", required: true, out var to, out problem)
                || !TryString(root, "from", required: false, out var from, out problem)
                || !TryString(root, "bizOpaqueCallbackData", required: false, out var opaque, out problem)
                || !TryString(root, "callbackUrl", required: false, out var callback, out problem))
            {
                return false;
            }

            if (opaque is { Length: > MaxOpaqueDataLength })
            {
                problem = $"bizOpaqueCallbackData is longer than {MaxOpaqueDataLength} characters.";
                return false;
            }

            Uri? callbackUrl = null;
            // Plain http to a loopback literal goes on to the callback policy, which allows it only in Development.
            if (callback is not null
                && (!Uri.TryCreate(callback, UriKind.Absolute, out callbackUrl)
                    || (callbackUrl.Scheme != Uri.UriSchemeHttps && !(callbackUrl.Scheme == Uri.UriSchemeHttp && callbackUrl.IsLoopback))))
            {
                problem = "callbackUrl must be an absolute https URL.";
                return false;
            }

            JsonElement? audio = null;
            if (root.TryGetProperty("audio", out var audioElement) && audioElement.ValueKind != JsonValueKind.Null)
            {
                if (audioElement.ValueKind != JsonValueKind.Object)
                {
                    problem = "audio must be an object.";
                    return false;
                }

                audio = audioElement.Clone();
            }

            if (!TryMetadata(root, out var metadata, out problem))
            {
                return false;
            }

            request = new DialRequest
            {
                To = to!,
                From = from,
                Audio = audio,
                CallbackUrl = callbackUrl,
                Metadata = metadata,
                BizOpaqueCallbackData = opaque,
            };
            return true;
        }
    }

    private static bool TryString(JsonElement root, string name, bool required, out string? value, out string? problem)
    {
        value = null;
        problem = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            problem = required ? $"{name} is required." : null;
            return !required;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            problem = $"{name} must be a string.";
            return false;
        }

        if (!TryText(element, out value))
        {
            problem = $"{name} is not valid Unicode text.";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The string, or false for a JSON escape that spells a lone UTF-16 surrogate ("\ud800"): well-formed JSON but no
    /// text, and <see cref="JsonElement.GetString"/> throws on it. That is the client's bad input (400), not a 500.
    /// </summary>
    private static bool TryName(JsonProperty property)
    {
        try
        {
            return property.Name is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryText(JsonElement element, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static bool TryMetadata(JsonElement root, out Dictionary<string, string> metadata, out string? problem)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = null;
        if (!root.TryGetProperty("metadata", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "metadata must be an object of strings.";
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!TryName(property) || (property.Value.ValueKind == JsonValueKind.String && !TryText(property.Value, out _)))
            {
                problem = "metadata keys and values must be valid Unicode text.";
                return false;
            }

            if (property.Value.ValueKind != JsonValueKind.String
                || property.Value.GetString() is not { Length: <= MaxMetadataValueLength } text
                || property.Name.Length is 0 or > 64)
            {
                problem = $"metadata values must be strings of at most {MaxMetadataValueLength} characters, keys 1-64 characters.";
                return false;
            }

            metadata[property.Name] = text;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            problem = $"metadata holds more than {MaxMetadataEntries} entries.";
            return false;
        }

        return true;
    }
}
