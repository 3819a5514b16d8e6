namespace Serverless.Functions.Calls;

public enum ApplyStatus
{
    /// <summary>The trigger changed the call; perform its side effects.</summary>
    Applied,

    /// <summary>Duplicate, late or audit-only: recorded in the history, nothing to do.</summary>
    NoChange,

    /// <summary>Illegal for the call's state: recorded and logged, never applied.</summary>
    Refused,

    /// <summary>This dedup key was processed before; nothing was recorded this time.</summary>
    DuplicateDelivery,

    /// <summary>No call with that id.</summary>
    CallNotFound,
}

/// <summary>Result of <see cref="ICallStore.ApplyAsync"/>.</summary>
public sealed record ApplyResult
{
    public required ApplyStatus Status { get; init; }

    /// <summary>The call as stored after this operation; null only for <see cref="ApplyStatus.CallNotFound"/>.</summary>
    public CallRecord? Call { get; init; }

    /// <summary>The call before the transition (set for <see cref="ApplyStatus.Applied"/>).</summary>
    public CallRecord? Previous { get; init; }

    /// <summary>The history row this operation wrote, or for a duplicate delivery the row written the first time.</summary>
    public CallEvent? Event { get; init; }

    public string? Reason { get; init; }

    /// <summary>True exactly once per call: the operation that moved it into Ended or Failed.</summary>
    public bool BecameFinal => Status == ApplyStatus.Applied && Previous is { IsFinal: false } && Call is { IsFinal: true };
}
