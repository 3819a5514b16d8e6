namespace Serverless.WebRtc.Sdp;

/// <summary>Attribute names of the WebRTC SDP profile (RFC 8829 §5.2, RFC 8839, RFC 8842, RFC 5761, RFC 8285).</summary>
internal static class SdpAttributeNames
{
    public const string RtpMap = "rtpmap";
    public const string Fmtp = "fmtp";
    public const string IceUfrag = "ice-ufrag";
    public const string IcePwd = "ice-pwd";
    public const string IceLite = "ice-lite";
    public const string IceOptions = "ice-options";
    public const string Candidate = "candidate";
    public const string EndOfCandidates = "end-of-candidates";
    public const string Fingerprint = "fingerprint";
    public const string Setup = "setup";
    public const string Mid = "mid";
    public const string Group = "group";
    public const string Msid = "msid";
    public const string MsidSemantic = "msid-semantic";
    public const string Rtcp = "rtcp";
    public const string RtcpMux = "rtcp-mux";
    public const string RtcpRsize = "rtcp-rsize";
    public const string RtcpFb = "rtcp-fb";
    public const string ExtMap = "extmap";
    public const string Ssrc = "ssrc";
    public const string SendRecv = "sendrecv";
    public const string SendOnly = "sendonly";
    public const string RecvOnly = "recvonly";
    public const string Inactive = "inactive";
}
