namespace Serverless.Functions.Calls;

/// <summary>Why a call reached its final state. A closed set: the only subclasses are nested here.</summary>
public abstract record CallEndReason
{
    private CallEndReason()
    {
    }

    /// <summary>The business's own script finished (e.g. the MediaNode finished playing the audio).</summary>
    public sealed record Completed : CallEndReason;

    /// <summary>The user declined the outbound call.</summary>
    public sealed record Rejected : CallEndReason;

    /// <summary>The call was torn down before anyone answered (terminate FAILED without errors).</summary>
    public sealed record NoAnswer : CallEndReason;

    /// <summary>The business hung up (dial API DELETE).</summary>
    public sealed record BusinessHangup : CallEndReason;

    /// <summary>The user hung up (terminate COMPLETED without a business hang-up before it).</summary>
    public sealed record UserHangup : CallEndReason;

    /// <summary>A connected call was terminated FAILED without an error code.</summary>
    public sealed record Dropped : CallEndReason;

    /// <summary>Meta reported an error (Graph response or terminate webhook), code verbatim.</summary>
    public sealed record MetaError(int Code, string Message) : CallEndReason;

    /// <summary>The MediaNode reported a failure (no capacity, ICE/DTLS failure, media lost).</summary>
    public sealed record MediaFailed(string Reason) : CallEndReason;

    /// <summary>The sweeper found the call past its deadline in <paramref name="StuckIn"/>.</summary>
    public sealed record Timeout(CallState StuckIn) : CallEndReason;
}
