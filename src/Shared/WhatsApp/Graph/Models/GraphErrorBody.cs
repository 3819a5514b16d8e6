using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Meta's error envelope: <c>{"error":{"message","type","code","error_subcode","fbtrace_id","error_data":{"details"}}}</c>.
/// </summary>
public sealed record GraphErrorBody
{
    /// <summary>The error.</summary>
    public GraphError? Error { get; init; }
}

/// <summary>The <c>error</c> object.</summary>
public sealed record GraphError
{
    /// <summary>Human-readable message.</summary>
    public string? Message { get; init; }

    /// <summary>E.g. <c>OAuthException</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Meta's error code (see <see cref="Serverless.Shared.WhatsApp.Graph.WhatsAppErrorKind"/>).</summary>
    public int? Code { get; init; }

    /// <summary>Sub-code, e.g. 2494010 for a non-sha-256 fingerprint.</summary>
    public int? ErrorSubcode { get; init; }

    /// <summary>Meta's trace id for support requests.</summary>
    public string? FbtraceId { get; init; }

    /// <summary>Usually <c>{"details":"…"}</c>; kept raw because its shape is not guaranteed.</summary>
    public JsonElement? ErrorData { get; init; }

    /// <summary><c>error_data.details</c> when present as a string.</summary>
    public string? Details =>
        ErrorData is { ValueKind: JsonValueKind.Object } data
        && data.TryGetProperty("details", out var details)
        && details.ValueKind == JsonValueKind.String
            ? details.GetString()
            : null;
}
