namespace Serverless.Functions.Calls;

/// <summary>
/// How long a call may stay in each non-final state before the sweeper fails it. Entering a state sets
/// <see cref="CallRecord.Deadline"/> = now + the value for that state.
/// </summary>
public sealed record CallTimeouts
{
    public static CallTimeouts Default { get; } = new();

    /// <summary>Outbound: the MediaNode must produce the offer and Graph <c>connect</c> must succeed.</summary>
    public TimeSpan Preparing { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Outbound: Meta does not document the ring duration; after this the call counts as not answered.</summary>
    public TimeSpan Ringing { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Inbound: Meta gives the business about 30–60 s after the connect webhook to accept.</summary>
    public TimeSpan Offered { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Inbound: accept posted / media coming up.</summary>
    public TimeSpan Accepting { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connected: Meta has no maximum call duration; this bounds a call whose end we never hear about.</summary>
    public TimeSpan Connected { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Final: how long the call waits for its MediaNode's final report (stats, recording) before <c>call.ended</c> goes without it.</summary>
    public TimeSpan MediaReport { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan For(CallState state) => state switch
    {
        CallState.Preparing => Preparing,
        CallState.Ringing => Ringing,
        CallState.Offered => Offered,
        CallState.Accepting => Accepting,
        CallState.Connected => Connected,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Final states have no deadline."),
    };
}
