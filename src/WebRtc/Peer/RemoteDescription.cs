using Serverless.WebRtc.Dtls;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Peer;

/// <summary>What we need from the peer's SDP, validated: ICE, DTLS and the audio payload types.</summary>
internal sealed record RemoteDescription(
    SessionDescription Sdp,
    string IceUfrag,
    string IcePassword,
    bool IceLite,
    IReadOnlyList<IceCandidate> Candidates,
    CertificateFingerprint Fingerprint,
    SetupRole Setup,
    int OpusPayloadType,
    int? TelephoneEventPayloadType)
{
    public static RemoteDescription Parse(string sdpText)
    {
        if (!SdpParser.TryParse(sdpText, out var sdp, out var error))
        {
            throw new PeerNegotiationException($"The remote SDP does not parse: {error}");
        }

        var audio = sdp.AudioSection ?? throw new PeerNegotiationException("The remote SDP has no audio m-line.");
        if (audio.Port == 0)
        {
            throw new PeerNegotiationException("The remote SDP rejected the audio stream (port 0).");
        }

        var ice = sdp.GetIceCredentials(audio);
        if (ice is null || !ice.IsValid)
        {
            throw new PeerNegotiationException("The remote SDP has no valid a=ice-ufrag / a=ice-pwd.");
        }

        // RFC 8122 §5: check against a hash function we accept; WhatsApp sends sha-256 only.
        var sha256 = sdp.GetFingerprints(audio).FirstOrDefault(f => f.IsSha256)
            ?? throw new PeerNegotiationException("The remote SDP has no sha-256 a=fingerprint.");
        var opus = sdp.GetOpusPayloadType()
            ?? throw new PeerNegotiationException("The remote SDP offers no opus/48000/2.");
        var candidates = sdp.GetCandidates(audio).Select(CandidateMapping.ToIce).OfType<IceCandidate>().ToList();

        return new RemoteDescription(
            sdp,
            ice.Ufrag,
            ice.Password,
            sdp.IsIceLite,
            candidates,
            new CertificateFingerprint(sha256.HashFunction, sha256.Bytes.ToArray()),
            sdp.GetSetupRole(audio) ?? SetupRole.ActPass,
            opus,
            sdp.GetTelephoneEventPayloadType());
    }
}
