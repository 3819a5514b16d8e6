using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace Serverless.Functions.Calls;

/// <summary>
/// One call as stored. Immutable: the state machine returns a changed copy. <see cref="UserWaId"/> is personal
/// data: <see cref="ToString"/> masks it, and nothing in this folder logs it unmasked.
/// </summary>
public sealed record CallRecord
{
    public static readonly IReadOnlyDictionary<string, string> NoMetadata =
        ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Our id, see <see cref="CallIds"/>.</summary>
    public required string CallId { get; init; }

    public required CallDirection Direction { get; init; }

    public required CallState State { get; init; }

    /// <summary>Set when the call reaches a final state.</summary>
    public CallOutcome? Outcome { get; init; }

    /// <summary>Meta's phone number id of the business number the call uses.</summary>
    public required string BusinessPhoneNumberId { get; init; }

    /// <summary>The user's WhatsApp id (digits, country code, no '+'). Masked in ToString.</summary>
    public required string UserWaId { get; init; }

    /// <summary>Meta's call id ("wacid.…"); outbound: known from Ringing on; inbound: from creation.</summary>
    public string? Wacid { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Outbound: when Graph connect succeeded (the phone may ring from then on).</summary>
    public DateTimeOffset? RingingAt { get; init; }

    /// <summary>Outbound: when Meta's connect webhook with the SDP answer arrived.</summary>
    public DateTimeOffset? AnswerReceivedAt { get; init; }

    /// <summary>Inbound: when Graph accept succeeded.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>When the MediaNode reported media up.</summary>
    public DateTimeOffset? MediaConnectedAt { get; init; }

    public DateTimeOffset? ConnectedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Talk time: Meta's terminate <c>duration</c> when given, else connected → ended.</summary>
    public TimeSpan? Duration { get; init; }

    public CallEndReason? EndReason { get; init; }

    public CallError? LastError { get; init; }

    public MediaStats? MediaStats { get; init; }

    /// <summary>The MediaNode that owns the call's peer.</summary>
    public string? NodeId { get; init; }

    /// <summary>Meta's <c>biz_opaque_callback_data</c> (≤ 512 chars), echoed in webhooks.</summary>
    public string? BizOpaqueData { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>
    /// The dial's validated <c>callbackUrl</c>, in its own field: metadata is the caller's opaque data and can never
    /// redirect status events past the SSRF check.
    /// </summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The dial API Idempotency-Key that created the call, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When the sweeper may fail the call; null once final.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>How many events the store recorded for the call (the last history sequence number).</summary>
    public long Version { get; init; }

    public bool IsFinal => State.IsFinal();

    /// <summary>A new outbound call in <see cref="CallState.Preparing"/>.</summary>
    public static CallRecord NewOutbound(
        string callId, string businessPhoneNumberId, string userWaId, DateTimeOffset now, CallTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        return New(callId, CallDirection.Outbound, CallState.Preparing, businessPhoneNumberId, userWaId, now)
            with { Deadline = now + timeouts.Preparing };
    }

    /// <summary>A new inbound call in <see cref="CallState.Offered"/> for Meta's connect webhook.</summary>
    public static CallRecord NewInbound(
        string callId, string businessPhoneNumberId, string userWaId, string wacid, DateTimeOffset now, CallTimeouts timeouts)
    {
        ArgumentException.ThrowIfNullOrEmpty(wacid);
        ArgumentNullException.ThrowIfNull(timeouts);
        return New(callId, CallDirection.Inbound, CallState.Offered, businessPhoneNumberId, userWaId, now)
            with { Wacid = wacid, Deadline = now + timeouts.Offered };
    }

    private static CallRecord New(
        string callId, CallDirection direction, CallState state, string businessPhoneNumberId, string userWaId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentException.ThrowIfNullOrEmpty(businessPhoneNumberId);
        ArgumentException.ThrowIfNullOrEmpty(userWaId);
        return new CallRecord
        {
            CallId = callId,
            Direction = direction,
            State = state,
            BusinessPhoneNumberId = businessPhoneNumberId,
            UserWaId = userWaId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Call {CallId} {Direction} {State}");
        if (Outcome is { } outcome)
        {
            sb.Append(CultureInfo.InvariantCulture, $" ({outcome}, {EndReason})");
        }

        sb.Append(CultureInfo.InvariantCulture, $" number={BusinessPhoneNumberId} user={PhoneMask.Mask(UserWaId)}");
        if (Wacid is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $" wacid={Wacid}");
        }

        sb.Append(CultureInfo.InvariantCulture, $" v{Version}");
        return sb.ToString();
    }
}
