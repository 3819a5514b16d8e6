namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>The user's answer to a call permission request.</summary>
public enum PermissionResponse
{
    /// <summary><c>accept</c>: we may call.</summary>
    Accept,

    /// <summary><c>reject</c>: we may not.</summary>
    Reject,
}

/// <summary>How the permission came about (<c>response_source</c>).</summary>
public enum PermissionResponseSource
{
    /// <summary>Absent, or a value Meta has not documented.</summary>
    Unknown,

    /// <summary><c>user_action</c>: the user tapped a button.</summary>
    UserAction,

    /// <summary><c>automatic</c>: granted by the user calling us (callback permission); the context id is then the call id.</summary>
    Automatic,
}

/// <summary>
/// <c>messages[]</c> item with <c>interactive.type = "call_permission_reply"</c> (webhook field <c>messages</c>).
/// </summary>
public sealed record CallPermissionReply : WebhookEvent
{
    /// <summary>The user who answered.</summary>
    public string? From { get; init; }

    /// <summary>The reply message's id (<c>wamid.…</c>).</summary>
    public required string MessageId { get; init; }

    /// <summary>What it replies to: our request's <c>wamid</c>, or the call's <c>wacid</c> when automatic.</summary>
    public string? ContextId { get; init; }

    /// <summary>Accept or reject.</summary>
    public required PermissionResponse Response { get; init; }

    /// <summary>Whether the grant has no expiry (possible since Nov 2025).</summary>
    public bool IsPermanent { get; init; }

    /// <summary>When a temporary grant lapses.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>How the permission came about.</summary>
    public PermissionResponseSource ResponseSource { get; init; }

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Permission(MessageId);

    /// <inheritdoc />
    public override string ToString() =>
        $"CallPermissionReply {{ MessageId = {MessageId}, From = {PhoneMask.Mask(From)}, ContextId = {ContextId}, " +
        $"Response = {Response}, IsPermanent = {IsPermanent}, Expiration = {Expiration:O}, " +
        $"ResponseSource = {ResponseSource}, PhoneNumberId = {PhoneNumberId}, Timestamp = {Timestamp:O} }}";
}
