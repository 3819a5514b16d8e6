namespace Serverless.Shared.Security;

/// <summary>Outcome of checking an <c>X-Hub-Signature-256</c>-style header against a body.</summary>
public enum SignatureCheck
{
    /// <summary>The header carries the HMAC of the exact body bytes.</summary>
    Valid,

    /// <summary>No header, or an empty one.</summary>
    Missing,

    /// <summary>The header is not <c>sha256=</c> followed by 64 hex digits.</summary>
    Malformed,

    /// <summary>Well formed, but not the HMAC of this body under this secret.</summary>
    Mismatch,
}
