namespace Serverless.Shared.Media;

/// <summary>Why the Functions ask a node to end a call.</summary>
public enum HangupReason
{
    /// <summary>The business hung up (API <c>DELETE</c>).</summary>
    Business,

    /// <summary>The user hung up (Meta's <c>terminate</c> webhook).</summary>
    User,

    /// <summary>Meta rejected or failed the call.</summary>
    Rejected,

    /// <summary>Nobody answered in time.</summary>
    NoAnswer,

    /// <summary>The audio plan finished.</summary>
    Completed,

    /// <summary>The Functions failed the call (e.g. Graph error, sweeper).</summary>
    Failed,
}
