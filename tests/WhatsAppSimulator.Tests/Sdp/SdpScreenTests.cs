using CsCheck;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Sdp;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Sdp;

public sealed class SdpScreenTests
{
    private static readonly string Offer = new SdpOnlyPhone().CreateOfferAsync(CancellationToken.None).Result;

    [Fact]
    public async Task SdpOnlyPhone_offer_and_answer_pass_Metas_screen()
    {
        var phone = new SdpOnlyPhone(41000);
        var answer = await phone.AnswerAsync(Offer, CancellationToken.None);

        Assert.Equal(SdpCheck.Valid, SdpScreen.Check(Offer));
        Assert.Equal(SdpCheck.Valid, SdpScreen.Check(answer));
        Assert.Contains("m=audio 41000 UDP/TLS/RTP/SAVPF 111 126\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=candidate:1 1 udp 2122260223 127.0.0.1 41000 typ host", answer, StringComparison.Ordinal);
        Assert.Contains("a=mid:audio\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=group:BUNDLE audio\r\n", answer, StringComparison.Ordinal);
        Assert.Matches("a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n", answer);
    }

    [Fact]
    public async Task SdpOnlyPhone_answer_keeps_only_offered_formats()
    {
        var opusOnly = Offer.Replace("SAVPF 111 126", "SAVPF 111", StringComparison.Ordinal);

        var answer = await new SdpOnlyPhone().AnswerAsync(opusOnly, CancellationToken.None);

        Assert.Contains("UDP/TLS/RTP/SAVPF 111\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("telephone-event", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha-1")]
    [InlineData("sha-384")]
    [InlineData("sha-512")]
    public void RFC8122_section5_any_non_sha256_fingerprint_is_rejected(string hash)
    {
        var sdp = Offer.Replace("a=fingerprint:sha-256", "a=fingerprint:" + hash, StringComparison.Ordinal);

        Assert.Equal(SdpCheck.FingerprintNotSha256, SdpScreen.Check(sdp));
    }

    [Fact]
    public void Mixed_sha256_and_sha512_fingerprints_are_rejected()
    {
        var sdp = Offer.Replace("a=setup:", "a=fingerprint:sha-512 AB:CD\r\na=setup:", StringComparison.Ordinal);

        Assert.Equal(SdpCheck.FingerprintNotSha256, SdpScreen.Check(sdp));
    }

    [Fact]
    public void Sdp_without_fingerprint_or_audio_is_flagged()
    {
        var noFingerprint = string.Join("\r\n", Offer.Split("\r\n").Where(l => !l.StartsWith("a=fingerprint", StringComparison.Ordinal)));

        Assert.Equal(SdpCheck.MissingFingerprint, SdpScreen.Check(noFingerprint));
        Assert.Equal(SdpCheck.NotAudioSdp, SdpScreen.Check(Offer.Replace("m=audio", "m=video", StringComparison.Ordinal)));
        Assert.Equal(SdpCheck.NotAudioSdp, SdpScreen.Check("hello"));
    }

    [Fact]
    public void Any_hash_name_other_than_sha256_is_rejected_and_sha256_in_any_case_accepted()
    {
        Gen.String[Gen.Char['a', 'z'], 1, 10]
            .Sample(hash =>
            {
                var sdp = Offer.Replace("a=fingerprint:sha-256", "a=fingerprint:" + hash, StringComparison.Ordinal);
                var expected = hash.Equals("sha-256", StringComparison.OrdinalIgnoreCase) ? SdpCheck.Valid : SdpCheck.FingerprintNotSha256;
                return SdpScreen.Check(sdp) == expected;
            });
        Assert.Equal(SdpCheck.Valid, SdpScreen.Check(Offer.Replace("sha-256", "SHA-256", StringComparison.Ordinal)));
    }
}
