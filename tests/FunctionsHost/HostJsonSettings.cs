using System.Text.Json;

namespace Serverless.Testing.FunctionsHost;

/// <summary>The parts of host.json this host honours: <c>extensions.http.routePrefix</c> and <c>extensions.queues</c>.</summary>
public sealed record HostJsonSettings(string RoutePrefix)
{
    /// <summary><c>extensions.queues</c>, with the host's defaults for what it leaves out.</summary>
    public QueueHostSettings Queues { get; init; } = QueueHostSettings.Default;

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
        var settings = Default;
        if (TryGetProperty(document.RootElement, "extensions", out var extensions)
            && TryGetProperty(extensions, "http", out var http)
            && TryGetProperty(http, "routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String)
        {
            // An explicit empty string is legal and means "no prefix".
            settings = new HostJsonSettings(prefix.GetString()!.Trim('/'));
        }

        if (TryGetProperty(document.RootElement, "extensions", out var ext) && TryGetProperty(ext, "queues", out var queues))
        {
            settings = settings with { Queues = QueueHostSettings.Parse(queues) };
        }

        return settings;
    }

    internal static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
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

/// <summary>
/// The queue extension's host.json settings (<c>extensions.queues</c>) the test host honours, with the extension's
/// defaults: <c>maxPollingInterval</c> 1 min, <c>visibilityTimeout</c> 0 (delay before a failed message is retried),
/// <c>batchSize</c> 16, <c>maxDequeueCount</c> 5, <c>messageEncoding</c> base64.
/// </summary>
public sealed record QueueHostSettings(TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int BatchSize, int MaxDequeueCount, bool Base64)
{
    public static QueueHostSettings Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.Zero, 16, 5, Base64: true);

    internal static QueueHostSettings Parse(JsonElement queues)
    {
        var s = Default;
        if (HostJsonSettings.TryGetProperty(queues, "maxPollingInterval", out var poll) && poll.ValueKind == JsonValueKind.String)
        {
            s = s with { MaxPollingInterval = TimeSpan.Parse(poll.GetString()!, System.Globalization.CultureInfo.InvariantCulture) };
        }

        if (HostJsonSettings.TryGetProperty(queues, "visibilityTimeout", out var visibility) && visibility.ValueKind == JsonValueKind.String)
        {
            s = s with { VisibilityTimeout = TimeSpan.Parse(visibility.GetString()!, System.Globalization.CultureInfo.InvariantCulture) };
        }

        if (HostJsonSettings.TryGetProperty(queues, "batchSize", out var batch) && batch.ValueKind == JsonValueKind.Number)
        {
            s = s with { BatchSize = Math.Clamp(batch.GetInt32(), 1, 32) };
        }

        if (HostJsonSettings.TryGetProperty(queues, "maxDequeueCount", out var dequeue) && dequeue.ValueKind == JsonValueKind.Number)
        {
            s = s with { MaxDequeueCount = Math.Max(1, dequeue.GetInt32()) };
        }

        if (HostJsonSettings.TryGetProperty(queues, "messageEncoding", out var encoding) && encoding.ValueKind == JsonValueKind.String)
        {
            s = s with { Base64 = !string.Equals(encoding.GetString(), "none", StringComparison.OrdinalIgnoreCase) };
        }

        return s;
    }
}
