namespace Serverless.WebRtc.Ice;

/// <summary>ICE roles (RFC 8445 §6.1.1). Facing an ICE-lite peer (Meta always is) a full agent is controlling.</summary>
internal enum IceRole
{
    /// <summary>Sends checks and nominates the pair.</summary>
    Controlling,

    /// <summary>Answers checks and follows the controlling agent's nomination.</summary>
    Controlled,
}
