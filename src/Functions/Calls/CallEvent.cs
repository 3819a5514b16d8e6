namespace Serverless.Functions.Calls;

/// <summary>
/// One row of a call's append-only event history. <see cref="Sequence"/> is assigned under the call's ETag, so it
/// orders events exactly as they were applied (a strict tie-breaker for equal <see cref="At"/>).
/// </summary>
public sealed record CallEvent(
    string CallId,
    long Sequence,
    DateTimeOffset At,
    string Trigger,
    string Detail,
    string DedupKey,
    TransitionKind Result,
    CallState StateAfter,
    string? Reason);
