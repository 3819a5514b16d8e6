using System.ComponentModel;

namespace Serverless.Shared.Media;

/// <summary>
/// How a call's media was connected, as the node saw it: the ICE-selected candidate pair's types and the DTLS
/// handshake. Part of <see cref="MediaStats"/> (reported in <see cref="MediaEnded"/>, stored on the call, shown by the
/// API and the call.ended callback), and aggregated by the analytics.
/// </summary>
[Description("How the call's media was connected: the ICE-selected candidate pair and the DTLS handshake.")]
public sealed record MediaTransport
{
    /// <summary>The candidate type names of RFC 8839 §5.1 (a=candidate … typ).</summary>
    public static readonly IReadOnlyList<string> CandidateTypes = ["host", "srflx", "prflx", "relay"];

    [Description("Our candidate's type in the selected pair: host, srflx, prflx or relay.")]
    public string? LocalCandidateType { get; init; }

    [Description("The other side's candidate's type in the selected pair: host, srflx, prflx or relay.")]
    public string? RemoteCandidateType { get; init; }

    [Description("Milliseconds from the remote description applied to ICE selecting the pair.")]
    public double? IceMs { get; init; }

    [Description("Milliseconds from the pair's selection to the DTLS handshake done (SRTP keys).")]
    public double? DtlsMs { get; init; }

    [Description("The negotiated DTLS version, e.g. DTLS 1.2.")]
    public string? DtlsVersion { get; init; }

    [Description("The negotiated cipher suite's IANA name, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.")]
    public string? DtlsCipherSuite { get; init; }
}
