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

    /// <summary>
    /// A new call (outbound Preparing, inbound Offered) that no MediaNode has claimed (no offer or answer from a node):
    /// its start waits in the new-calls queue because every node is full or draining (a node with room takes new calls
    /// at once). Past this the call fails with <c>capacity</c>; an inbound call is rejected well inside Meta's answer
    /// window. A node's claim restores the state's own deadline.
    /// </summary>
    public TimeSpan Placement { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connected: after the node reports the media lost, how long Meta's terminate webhook may take to arrive (and say
    /// whether the user hung up) before the call fails with the node's error and Meta gets our terminate.
    /// </summary>
    public TimeSpan MediaLoss { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The deadline of a call entering <paramref name="state"/> at <paramref name="now"/> with no node yet.</summary>
    public DateTimeOffset UnplacedDeadline(CallState state, DateTimeOffset now) => now + (Placement < For(state) ? Placement : For(state));

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
