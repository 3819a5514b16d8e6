using CsCheck;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

public class SdpPropertyTests
{
    [Fact]
    public void GeneratedDescription_WriteThenParse_IsStructurallyEqual()
    {
        SdpGenerators.Session.Sample(original =>
        {
            var text = SdpSerializer.Write(original);

            Assert.True(SdpParser.TryParse(text, out var parsed, out var error), error?.ToString());
            Assert.Equal(original, parsed);
            Assert.Equal(text, SdpSerializer.Write(parsed));
        });
    }

    [Fact]
    public void GeneratedDescription_WithBareLf_ParsesToTheSameModel()
    {
        SdpGenerators.Session.Sample(original =>
        {
            var lf = SdpSerializer.Write(original).Replace("\r\n", "\n", StringComparison.Ordinal);

            Assert.Equal(original, SdpParser.Parse(lf));
        });
    }

    [Fact]
    public void GeneratedCandidate_WriteThenParse_IsEqual()
    {
        SdpGenerators.Candidate.Sample(original =>
        {
            Assert.True(IceCandidateLine.TryParse(original.ToValueString(), out var parsed));
            Assert.Equal(original, parsed);
        });
    }

    [Fact]
    public void ArbitraryStrings_NeverThrow()
    {
        Gen.String.Sample(text => { _ = SdpParser.TryParse(text, out _, out _); });
    }

    [Fact]
    public void SdpShapedNoise_NeverThrows()
    {
        var line = Gen.Select(Gen.Char["vosiuepcbtrzkamxVO= "], Gen.Char["=:/ "], Gen.String[0, 40], (t, sep, rest) => $"{t}{sep}{rest}");
        var text = Gen.Select(line.List[0, 30], Gen.OneOf("\r\n", "\n", "\r", "\0"), (lines, nl) => string.Join(nl, lines));

        text.Sample(t => { _ = SdpParser.TryParse(t, out _, out _); });
    }

    [Fact]
    public void MutatedWhatsAppOffer_NeverThrowsAndTypedViewsNeverThrow()
    {
        var source = SdpSamples.WhatsAppOffer;
        var mutation = Gen.Select(Gen.Int[0, source.Length - 1], Gen.Int[0, 8], Gen.Char, (at, cut, c) =>
            source[..at] + c + source[Math.Min(source.Length, at + cut)..]);

        mutation.Sample(text =>
        {
            if (SdpParser.TryParse(text, out var sdp, out _))
            {
                // Typed accessors read raw attributes; malformed ones must be skipped, not thrown on.
                _ = sdp.GetCandidates();
                _ = sdp.GetFingerprints();
                _ = sdp.GetIceCredentials();
                _ = sdp.GetOpusPayloadType();
                _ = sdp.GetTelephoneEventPayloadType();
                _ = sdp.GetSetupRole();
                _ = sdp.Groups;
                _ = sdp.MsidSemantic;
                foreach (var m in sdp.Media)
                {
                    _ = (m.RtpMaps, m.Fmtps, m.ExtMaps, m.Ssrcs, m.RtcpFeedbacks, m.Rtcp, m.Msid, m.Direction, m.IceOptions);
                }
            }
        });
    }
}
