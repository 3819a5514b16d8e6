namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Role of the SDP a connect webhook carries (RFC 3264 offer/answer).</summary>
public enum SdpType
{
    /// <summary>The user's offer on an inbound call; we answer with pre_accept/accept.</summary>
    Offer,

    /// <summary>Meta's answer to our offer on an outbound call; applied locally, no POST follows.</summary>
    Answer,
}
