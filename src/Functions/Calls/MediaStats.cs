namespace Serverless.Functions.Calls;

/// <summary>
/// Media counters the MediaNode reports for a call. Opaque to the state machine: stored and shown, never
/// interpreted.
/// </summary>
public sealed record MediaStats(
    long PacketsSent,
    long PacketsReceived,
    long BytesSent,
    long BytesReceived,
    long PacketsLost,
    double? RoundTripMilliseconds,
    double? JitterMilliseconds);
