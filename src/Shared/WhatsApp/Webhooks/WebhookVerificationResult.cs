using System.Net;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Outcome of Meta's GET subscription handshake: either echo the challenge (200) or refuse (403).</summary>
public abstract record WebhookVerificationResult
{
    private protected WebhookVerificationResult()
    {
    }

    /// <summary>The HTTP status the endpoint answers with.</summary>
    public abstract HttpStatusCode StatusCode { get; }
}

/// <summary>The handshake is ours: answer 200 with <see cref="Challenge"/> as the plain-text body.</summary>
public sealed record VerificationAccepted(string Challenge) : WebhookVerificationResult
{
    /// <inheritdoc />
    public override HttpStatusCode StatusCode => HttpStatusCode.OK;
}

/// <summary>The handshake is refused: answer 403 with no body; <see cref="Reason"/> is for our logs only.</summary>
public sealed record VerificationForbidden(VerificationFailure Reason) : WebhookVerificationResult
{
    /// <inheritdoc />
    public override HttpStatusCode StatusCode => HttpStatusCode.Forbidden;
}

/// <summary>Why a handshake was refused.</summary>
public enum VerificationFailure
{
    /// <summary><c>hub.mode</c> is absent or not <c>subscribe</c>.</summary>
    WrongMode,

    /// <summary><c>hub.verify_token</c> is absent or empty.</summary>
    MissingToken,

    /// <summary><c>hub.verify_token</c> is not the token we configured.</summary>
    TokenMismatch,

    /// <summary><c>hub.challenge</c> is absent, too long, or has characters we will not echo back.</summary>
    InvalidChallenge,
}
