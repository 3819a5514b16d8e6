namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary><c>calls[].event = "terminate"</c>: the call is over, in either direction.</summary>
public sealed record CallTerminate : WebhookEvent
{
    /// <summary>Meta's call id (<c>wacid.…</c>).</summary>
    public required string CallId { get; init; }

    /// <summary>Caller number.</summary>
    public string? From { get; init; }

    /// <summary>Callee number.</summary>
    public string? To { get; init; }

    /// <summary>Who placed the call.</summary>
    public CallDirection Direction { get; init; }

    /// <summary>How it ended.</summary>
    public CallTerminateStatus Status { get; init; }

    /// <summary>When media started; only present if the call was picked up.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the call ended; only present if the call was picked up.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Talk time; only present if the call was picked up.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Our own tag from the connect request, echoed back.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Free-text end reason (seed-guide shape only; Meta's real payload has no such field).</summary>
    public string? Reason { get; init; }

    /// <summary>Why a failed call failed: the change's <c>value.errors[]</c> (and any on the call item itself).</summary>
    public IReadOnlyList<WebhookErrorDetail> Errors { get; init; } = [];

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Call(CallId, "terminate");

    /// <inheritdoc />
    public override string ToString() =>
        $"CallTerminate {{ CallId = {CallId}, From = {PhoneMask.Mask(From)}, To = {PhoneMask.Mask(To)}, " +
        $"Direction = {Direction}, Status = {Status}, Duration = {Duration}, Errors = [{string.Join(", ", Errors)}], " +
        $"PhoneNumberId = {PhoneNumberId}, Timestamp = {Timestamp:O} }}";
}
