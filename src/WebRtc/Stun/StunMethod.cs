namespace Serverless.WebRtc.Stun;

/// <summary>STUN method, the 12-bit M field of the message type (RFC 8489 §5, §18.2).</summary>
/// <remarks>ICE uses Binding only; other registered or unknown methods are carried as raw values.</remarks>
internal enum StunMethod : ushort
{
    /// <summary>Binding (RFC 8489 §3.1); ICE connectivity checks are Binding requests (RFC 8445 §7).</summary>
    Binding = 0x001,
}
