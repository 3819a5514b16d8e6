namespace Serverless.Shared.Media;

/// <summary>
/// Why a call's media ends: the reason the Functions give in <see cref="Hangup"/>, and the one a node reports in
/// <see cref="MediaEnded.Reason"/> (which may be the node's own, e.g. <see cref="NodeDrained"/>).
/// </summary>
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

    /// <summary>
    /// The node was shut down (SIGTERM: an upgrade, a scale-in) and the call was still up at its drain deadline. Only a
    /// node reports it; the call ends <c>Failed</c> with code <c>node-drained</c>, never <c>Completed</c>.
    /// </summary>
    NodeDrained,
}
