namespace Serverless.WebRtc.Ice;

/// <summary>Timers and limits of an ICE agent. Defaults follow RFC 8445 §14 and RFC 7675.</summary>
public sealed class IceAgentOptions
{
    /// <summary>Lite implementation (RFC 8445 §2.5): answers checks, never sends them, host candidates only.</summary>
    public bool Lite { get; init; }

    /// <summary>Pacing of new checks, Ta (RFC 8445 §14.2: 50 ms).</summary>
    public TimeSpan CheckPacing { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First retransmission timeout of a check (RFC 8445 §14.3: at least 500 ms).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Retransmission timeout never grows beyond this.</summary>
    public TimeSpan MaxRto { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Transmissions of one check before the pair fails (RFC 8489 §6.2.1 Rc = 7).</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>Consent checks on the selected pair, randomised ±20 % (RFC 7675 §5.1: 4–6 s).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No consent response for this long: disconnected (media may still recover).</summary>
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>No consent for this long: failed, stop sending (RFC 7675 §5.1: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up when no pair succeeded within this time after checks start.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>SOFTWARE attribute value, or null to leave it out.</summary>
    public string? Software { get; init; }
}
