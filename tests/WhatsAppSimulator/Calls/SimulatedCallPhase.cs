namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>Where a simulated call is in its life.</summary>
public enum SimulatedCallPhase
{
    /// <summary>Placed, not picked up.</summary>
    Ringing,

    /// <summary>User-initiated call the business pre-accepted.</summary>
    PreAccepted,

    /// <summary>Picked up (outbound) or accepted (inbound).</summary>
    Connected,

    /// <summary>Terminated; a terminate webhook was queued.</summary>
    Ended,
}
