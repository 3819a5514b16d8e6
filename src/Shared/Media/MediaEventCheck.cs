namespace Serverless.Shared.Media;

/// <summary>Outcome of verifying a signed media event delivery.</summary>
public enum MediaEventCheck
{
    /// <summary>Signed by the shared secret over this timestamp and body, and fresh.</summary>
    Valid,

    /// <summary>No signature header.</summary>
    MissingSignature,

    /// <summary>No timestamp header.</summary>
    MissingTimestamp,

    /// <summary>The signature or timestamp header is not well formed.</summary>
    Malformed,

    /// <summary>Well formed, but not signed by our secret over this timestamp and body (tampered or wrong key).</summary>
    Mismatch,

    /// <summary>Correctly signed but older than the replay window.</summary>
    Stale,

    /// <summary>Correctly signed but dated further in the future than clock skew explains.</summary>
    FromFuture,
}
