namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// <c>calls[].event = "connect"</c>: the SDP of a call being set up. Inbound it is the user's offer; outbound it is
/// Meta's answer to our offer.
/// </summary>
public sealed record CallConnect : WebhookEvent
{
    /// <summary>Meta's call id (<c>wacid.…</c>).</summary>
    public required string CallId { get; init; }

    /// <summary>Caller: the user on inbound calls, our number on outbound ones.</summary>
    public string? From { get; init; }

    /// <summary>Callee: our number on inbound calls, the user on outbound ones.</summary>
    public string? To { get; init; }

    /// <summary>Who placed the call.</summary>
    public CallDirection Direction { get; init; }

    /// <summary>Whether <see cref="Sdp"/> is an offer or an answer.</summary>
    public required SdpType SdpType { get; init; }

    /// <summary>The session description (RFC 8866), from <c>session.sdp</c> or the legacy <c>connection.webrtc.sdp</c>.</summary>
    public required string Sdp { get; init; }

    /// <summary>Our own tag from the connect request, echoed back.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary><c>biz_payload</c> of the call deep link the user followed, if any.</summary>
    public string? DeeplinkPayload { get; init; }

    /// <summary>Payload of the call button the user pressed, if any.</summary>
    public string? CtaPayload { get; init; }

    /// <summary>The caller's WhatsApp profile name, from <c>contacts[]</c> where <c>wa_id</c> is <see cref="From"/>.</summary>
    public string? CallerName { get; init; }

    /// <inheritdoc />
    public override string DedupKey => DedupKeys.Call(CallId, "connect");

    /// <inheritdoc />
    public override string ToString() =>
        $"CallConnect {{ CallId = {CallId}, From = {PhoneMask.Mask(From)}, To = {PhoneMask.Mask(To)}, " +
        $"Direction = {Direction}, SdpType = {SdpType}, Sdp = <{Sdp.Length} chars>, PhoneNumberId = {PhoneNumberId}, " +
        $"Timestamp = {Timestamp:O} }}";
}
