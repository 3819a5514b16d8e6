using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Serverless.Shared.Media;
using Serverless.Shared.WhatsApp;

namespace Serverless.Functions.Calls;

/// <summary>
/// One call as stored. Immutable: the state machine returns a changed copy. <see cref="UserWaId"/> is personal
/// data: <see cref="ToString"/> masks it, and nothing in this folder logs it unmasked.
/// </summary>
public sealed record CallRecord
{
    public static readonly IReadOnlyDictionary<string, string> NoMetadata =
        ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The one empty input list, so records without inputs compare equal (lists compare by reference).</summary>
    public static readonly IReadOnlyList<DigitInput> NoInputs = ReadOnlyCollection<DigitInput>.Empty;

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

    /// <summary>
    /// The node lost a connected call's media (ICE consent, media timeout) and the call waits up to
    /// <see cref="CallTimeouts.MediaLoss"/> for Meta's terminate, which says who ended it (a user's hang-up during a
    /// Functions outage looks the same to the node). <see cref="LastError"/> holds the node's report meanwhile.
    /// </summary>
    public bool AwaitsMetaEnd => State == CallState.Connected && LastError is { Code: CallErrorCodes.IceFailed or CallErrorCodes.MediaTimeout };

    /// <summary>The node's final media statistics (<see cref="MediaEnded"/>).</summary>
    public MediaStats? MediaStats { get; init; }

    /// <summary>The recording the node stored, when the plan recorded.</summary>
    public RecordingInfo? Recording { get; init; }

    /// <summary>What the user entered: each collect step's result and keys pressed outside them, in arrival order.</summary>
    public IReadOnlyList<DigitInput> Inputs { get; init; } = NoInputs;

    /// <summary>When the node's final report (<see cref="MediaEnded"/>) was recorded.</summary>
    public DateTimeOffset? MediaEndedAt { get; init; }

    /// <summary>
    /// Set on a final call whose node has not reported yet: until then (or this time) its <c>call.ended</c>
    /// callback waits, so it carries the stats and recording. Null when nothing is awaited.
    /// </summary>
    public DateTimeOffset? MediaReportDue { get; init; }

    /// <summary>Most inputs kept on one call (a plan has at most a few collect steps; this bounds stray keys).</summary>
    public const int MaxInputs = 64;

    /// <summary>Final, and nothing more is expected from the node: the moment <c>call.ended</c> is sent.</summary>
    public bool IsReported => IsFinal && MediaReportDue is null;

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

    /// <summary>
    /// Mid-call commands sent to the node: <c>Play</c> (POST /api/calls/{id}/play) and the agent console's
    /// <c>ConnectAgent</c>/<c>MuteAgent</c>. They follow the start and answer in the call's command sequence, so the
    /// Hangup's sequence counts them.
    /// </summary>
    public int PlaysSent { get; init; }

    /// <summary>The caller's WhatsApp profile name from Meta's connect webhook (inbound), shown to ringing agents.</summary>
    public string? CallerName { get; init; }

    /// <summary>The queue whose agents the call's plan asked for (<c>connectAgent</c>), once it asked.</summary>
    public string? Queue { get; init; }

    /// <summary>The agent (principal object id) whose browser leg connected to the call.</summary>
    public string? AgentId { get; init; }

    /// <summary>That agent's display name, as signed in.</summary>
    public string? AgentName { get; init; }

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
            with { Deadline = timeouts.UnplacedDeadline(CallState.Preparing, now) };
    }

    /// <summary>A new inbound call in <see cref="CallState.Offered"/> for Meta's connect webhook.</summary>
    public static CallRecord NewInbound(
        string callId, string businessPhoneNumberId, string userWaId, string wacid, DateTimeOffset now, CallTimeouts timeouts)
    {
        ArgumentException.ThrowIfNullOrEmpty(wacid);
        ArgumentNullException.ThrowIfNull(timeouts);
        return New(callId, CallDirection.Inbound, CallState.Offered, businessPhoneNumberId, userWaId, now)
            with { Wacid = wacid, Deadline = timeouts.UnplacedDeadline(CallState.Offered, now) };
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
