namespace Serverless.Functions.Calls;

/// <summary>
/// Result of reserving a dial API Idempotency-Key: either ours now, or already used by <see cref="CallId"/>.
/// <see cref="RequestHash"/> is the fingerprint of the request that holds the key (null for rows stored without one).
/// </summary>
public readonly record struct IdempotencyReservation(bool Reserved, string CallId, string? RequestHash = null)
{
    /// <summary>False when the key is held by a request with another fingerprint than <paramref name="requestHash"/>.</summary>
    public bool Matches(string? requestHash) => RequestHash is null || requestHash is null || RequestHash == requestHash;
}
