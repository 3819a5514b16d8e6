namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary><c>statuses[]</c> item with <c>type = "call"</c>: progress of a business-initiated call.</summary>
public sealed record CallStatus : WebhookEvent
{
    /// <summary>Meta's call id (<c>wacid.…</c>).</summary>
    public required string CallId { get; init; }

    /// <summary>The status, mapped.</summary>
    public CallStatusKind Status { get; init; }

    /// <summary>The status as sent, upper-cased; keeps undocumented values visible.</summary>
    public required string StatusText { get; init; }

    /// <summary>The user we called (<c>recipient_id</c>; <c>from</c> in the seed-guide shape).</summary>
    public string? RecipientId { get; init; }

    /// <summary>Our own tag from the connect request, echoed back.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Status(CallId, StatusText);

    /// <inheritdoc />
    public override string ToString() =>
        $"CallStatus {{ CallId = {CallId}, Status = {Status}, StatusText = {StatusText}, " +
        $"RecipientId = {PhoneMask.Mask(RecipientId)}, PhoneNumberId = {PhoneNumberId}, Timestamp = {Timestamp:O} }}";
}
