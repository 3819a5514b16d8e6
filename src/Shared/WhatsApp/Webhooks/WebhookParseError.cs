namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Why a whole webhook body was refused. Per-item problems are not errors; see <see cref="WebhookBatch.Skipped"/>.</summary>
public enum WebhookParseErrorKind
{
    /// <summary>The body has no bytes.</summary>
    Empty,

    /// <summary>The body is longer than <see cref="WebhookParserLimits.MaxBodyBytes"/>.</summary>
    TooLarge,

    /// <summary>The body is not valid UTF-8 (RFC 8259 §8.1 requires UTF-8).</summary>
    NotUtf8,

    /// <summary>The body is not one well-formed JSON value.</summary>
    NotJson,

    /// <summary>Objects and arrays nest deeper than <see cref="WebhookParserLimits.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The JSON root is not an object.</summary>
    NotAnObject,

    /// <summary><c>object</c> is absent or is not <c>whatsapp_business_account</c>.</summary>
    UnknownObject,

    /// <summary><c>entry</c> is absent or is not an array.</summary>
    InvalidEnvelope,

    /// <summary>More events and per-item notes than <see cref="WebhookParserLimits.MaxItems"/>.</summary>
    TooManyItems,
}

/// <summary>
/// A typed reason for refusing a webhook body. <see cref="Message"/> never quotes the payload, so it is safe to log.
/// </summary>
public sealed record WebhookParseError(WebhookParseErrorKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
