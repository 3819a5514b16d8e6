namespace Serverless.Functions.Calls;

/// <summary>
/// One page of calls, newest first (<see cref="CallIds"/>). A page may hold fewer than the page size (even none) while
/// <see cref="ContinuationToken"/> is set: Table Storage ends pages at partition-scan boundaries.
/// </summary>
public sealed record CallPage(IReadOnlyList<CallRecord> Calls, string? ContinuationToken);
