using Serverless.WebRtc.Sdp;

namespace Serverless.Fuzz.Targets;

/// <summary>
/// SDP (RFC 8866 and the WebRTC attributes) as a MediaNode reads a remote offer or answer: parse the UTF-8
/// bytes, run the queries the peer runs, build our answer (a refusal is SdpNegotiationException, expected),
/// and check that what we would write back parses again.
/// </summary>
internal sealed class SdpTarget : FuzzTarget
{
    private static readonly string[] Dictionary =
    [
        "a=candidate:1 1 udp ", "a=candidate:", "m=audio ", "m=video ", "a=rtpmap:", "a=fmtp:", "a=fingerprint:sha-256 ",
        "a=ssrc:", "a=extmap:", "a=group:BUNDLE ", "c=IN IP6 ", "c=IN IP4 ", "b=AS:", "a=setup:", "a=mid:", "a=msid:",
        "a=rtcp:", "a=rtcp-fb:", "a=ice-ufrag:", "a=ice-pwd:", "o=- ", "t=", "v=", "a=msid-semantic:", "a=ssrc-group:FID ",
        "k=", "r=", "z=", "i=", "u=", "e=", "p=", "a=",
    ];

    private readonly WhatsAppSdpBuilder _builder = new(
        new SdpIceCredentials("AbCd", "0123456789abcdefghijklmn"), SdpFingerprint.Sha256(new byte[32]), 1234, "node")
    {
        SessionId = 1,
    };

    public long RoundTripFailures { get; private set; }

    public override string Name => "sdp";

    public override string Parser => "Serverless.WebRtc.Sdp.SdpParser.TryParse, SessionDescription queries, WhatsAppSdpBuilder.BuildAnswer, SdpSerializer.Write";

    public override IReadOnlyList<byte[]> Seeds() => SeedFiles.Read("sdp");

    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool) => mutator.MutateLines(seed, pool, Dictionary);

    public override bool Run(byte[] input)
    {
        if (!SdpParser.TryParse(input, out var sdp, out _))
        {
            return false;
        }

        _ = sdp.IsIceLite;
        _ = sdp.BundleGroup;
        _ = sdp.MsidSemantic;
        foreach (var media in sdp.Media)
        {
            sdp.GetIceCredentials(media);
            sdp.GetFingerprints(media);
            sdp.GetSetupRole(media);
            sdp.GetCandidates(media);
        }

        sdp.GetOpusPayloadType();
        sdp.GetTelephoneEventPayloadType();
        try
        {
            _builder.BuildAnswer(sdp);
        }
        catch (SdpNegotiationException)
        {
            // A well-formed SDP we refuse to answer: the product reports MediaFailed{SdpRejected}.
        }

        if (!SdpParser.TryParse(SdpSerializer.Write(sdp), out _, out _))
        {
            RoundTripFailures++;
        }

        return true;
    }
}
