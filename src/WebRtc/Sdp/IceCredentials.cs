namespace Serverless.WebRtc.Sdp;

/// <summary>ICE username fragment and password (RFC 8839 §5.4).</summary>
public sealed record IceCredentials(string Ufrag, string Password)
{
    /// <summary>The password authenticates STUN checks; keep it out of logs.</summary>
    public override string ToString() => $"ufrag={Ufrag} pwd=***";
}
