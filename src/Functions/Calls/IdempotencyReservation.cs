namespace Serverless.Functions.Calls;

/// <summary>
/// Result of reserving a dial API Idempotency-Key: either ours now, or already used by <see cref="CallId"/>.
/// </summary>
public readonly record struct IdempotencyReservation(bool Reserved, string CallId);
