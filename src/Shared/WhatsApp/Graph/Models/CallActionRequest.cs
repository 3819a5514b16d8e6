namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>
/// Body of <c>POST /&lt;PHONE_NUMBER_ID&gt;/calls</c> (meta-calling-api.md §1). <c>connect</c> carries
/// <see cref="To"/>; the other actions carry <see cref="CallId"/>. Null members are omitted on the wire.
/// </summary>
public sealed record CallActionRequest
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string MessagingProduct { get; init; } = "whatsapp";

    /// <summary>The user's WhatsApp number (digits, country code, no <c>+</c>); connect only.</summary>
    public string? To { get; init; }

    /// <summary>The call's <c>wacid.…</c>; every action but connect.</summary>
    public string? CallId { get; init; }

    /// <summary><c>connect</c>, <c>pre_accept</c>, <c>accept</c>, <c>reject</c> or <c>terminate</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The SDP: an offer for connect, an answer for pre_accept and accept.</summary>
    public CallSession? Session { get; init; }

    /// <summary>Up to 512 characters Meta echoes in status and terminate webhooks.</summary>
    public string? BizOpaqueCallbackData { get; init; }
}

/// <summary>The <c>session</c> object: <c>{ "sdp_type": "offer"|"answer", "sdp": "…" }</c>.</summary>
public sealed record CallSession(string SdpType, string Sdp)
{
    /// <summary><c>offer</c>, sent with connect.</summary>
    public const string Offer = "offer";

    /// <summary><c>answer</c>, sent with pre_accept and accept (PR #522: "offer" never connects).</summary>
    public const string Answer = "answer";
}
