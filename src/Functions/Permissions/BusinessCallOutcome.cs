namespace Serverless.Functions.Permissions;

/// <summary>What a call meant for the permission counters.</summary>
public enum BusinessCallOutcome
{
    /// <summary>A call (either direction) connected: resets the unanswered streak and Meta's request quotas.</summary>
    Connected,

    /// <summary>A business-initiated call rang out or was rejected: extends the unanswered streak.</summary>
    Unanswered,

    /// <summary>A call that failed for technical reasons: the user never saw it, so no counter changes.</summary>
    Failed,
}
