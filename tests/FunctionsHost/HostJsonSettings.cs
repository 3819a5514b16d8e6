using System.Text.Json;

namespace Serverless.Testing.FunctionsHost;

/// <summary>The parts of host.json this host honours: <c>extensions.http.routePrefix</c>.</summary>
public sealed record HostJsonSettings(string RoutePrefix)
{
    /// <summary>The Functions host's default when host.json names no prefix.</summary>
    public const string DefaultRoutePrefix = "api";

    public static HostJsonSettings Default { get; } = new(DefaultRoutePrefix);

    /// <summary>Reads host.json; a missing file or missing property gives the default prefix, like the host.</summary>
    public static HostJsonSettings Load(string? hostJsonPath)
    {
        if (hostJsonPath is null || !File.Exists(hostJsonPath))
        {
            return Default;
        }

        return Parse(File.ReadAllText(hostJsonPath));
    }

    public static HostJsonSettings Parse(string hostJson)
    {
        // host.json allows comments and trailing commas (the host reads it leniently).
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse(hostJson, options);
        if (TryGetProperty(document.RootElement, "extensions", out var extensions)
            && TryGetProperty(extensions, "http", out var http)
            && TryGetProperty(http, "routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String)
        {
            // An explicit empty string is legal and means "no prefix".
            return new HostJsonSettings(prefix.GetString()!.Trim('/'));
        }

        return Default;
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
