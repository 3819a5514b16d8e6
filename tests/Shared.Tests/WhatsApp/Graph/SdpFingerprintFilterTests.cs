using CsCheck;
using Serverless.Shared.Tests.WhatsApp.Graph.Support;
using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Shared.Tests.WhatsApp.Graph;

/// <summary>Meta refuses non-sha-256 fingerprints (code 100, subcode 2494010); RFC 8122 §5 fingerprint syntax.</summary>
public sealed class SdpFingerprintFilterTests
{
    [Fact]
    public void Sha384_and_sha512_lines_are_removed_and_sha256_kept()
    {
        var sdp = SampleSdp.Offer(SampleSdp.Sha384Line, SampleSdp.Sha256Line, SampleSdp.Sha512Line);

        var filtered = SdpFingerprintFilter.KeepSha256Only(sdp);

        Assert.Equal(SampleSdp.Offer(SampleSdp.Sha256Line), filtered);
    }

    [Fact]
    public void An_sdp_with_only_sha256_passes_through_unchanged()
    {
        var sdp = SampleSdp.Offer();
        Assert.Equal(sdp, SdpFingerprintFilter.KeepSha256Only(sdp));
    }

    [Fact]
    public void Rfc8122_5_hash_func_is_case_insensitive()
    {
        var upper = SampleSdp.Sha256Line.Replace("sha-256", "SHA-256", StringComparison.Ordinal);
        var sdp = SampleSdp.Offer(upper, SampleSdp.Sha512Line.Replace("sha-512", "SHA-512", StringComparison.Ordinal));

        Assert.Equal(SampleSdp.Offer(upper), SdpFingerprintFilter.KeepSha256Only(sdp));
    }

    [Fact]
    public void LF_only_line_endings_are_preserved()
    {
        var sdp = SampleSdp.Offer(SampleSdp.Sha256Line, SampleSdp.Sha384Line).Replace("\r\n", "\n", StringComparison.Ordinal);

        var filtered = SdpFingerprintFilter.KeepSha256Only(sdp);

        Assert.Equal(SampleSdp.Offer(SampleSdp.Sha256Line).Replace("\r\n", "\n", StringComparison.Ordinal), filtered);
    }

    [Fact]
    public void A_last_line_without_newline_is_kept()
    {
        var sdp = "v=0\r\n" + SampleSdp.Sha384Line + "\r\n" + SampleSdp.Sha256Line;
        Assert.Equal("v=0\r\n" + SampleSdp.Sha256Line, SdpFingerprintFilter.KeepSha256Only(sdp));
    }

    [Fact]
    public void No_sha256_fingerprint_left_throws()
    {
        var sdp = SampleSdp.Offer(SampleSdp.Sha384Line, SampleSdp.Sha512Line);
        var ex = Assert.Throws<ArgumentException>(() => SdpFingerprintFilter.KeepSha256Only(sdp));
        Assert.Contains("sha-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_sdp_throws() => Assert.Throws<ArgumentException>(() => SdpFingerprintFilter.KeepSha256Only(" "));

    [Fact]
    public void Other_lines_are_never_touched()
    {
        // Any mix of fingerprint lines: the output is the input minus exactly the non-sha-256 fingerprints.
        var fingerprint = Gen.OneOf(SampleSdp.Sha256Line, SampleSdp.Sha384Line, SampleSdp.Sha512Line, "a=fingerprint:sha-1 AA:BB");
        fingerprint.Array[1, 6].Sample(lines =>
        {
            var sdp = SampleSdp.Offer(lines);
            var kept = lines.Where(l => l.StartsWith("a=fingerprint:sha-256 ", StringComparison.Ordinal)).ToArray();
            if (kept.Length == 0)
            {
                Assert.Throws<ArgumentException>(() => SdpFingerprintFilter.KeepSha256Only(sdp));
            }
            else
            {
                Assert.Equal(SampleSdp.Offer(kept), SdpFingerprintFilter.KeepSha256Only(sdp));
            }
        });
    }

    [Fact]
    public async Task Connect_without_a_sha256_fingerprint_sends_no_request()
    {
        using var handler = new ScriptedHandler().ThenRespond(System.Net.HttpStatusCode.OK, """{"calls":[{"id":"wacid.1"}]}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.ConnectAsync(
            GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer(SampleSdp.Sha384Line)));

        Assert.Equal("sdpOffer", ex.ParamName);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task Connect_sends_the_filtered_sdp()
    {
        using var handler = new ScriptedHandler().ThenRespond(System.Net.HttpStatusCode.OK, """{"calls":[{"id":"wacid.1"}]}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        await host.Client.ConnectAsync(
            GraphClientHost.PhoneNumberId, "14085551234", SampleSdp.Offer(SampleSdp.Sha512Line, SampleSdp.Sha256Line));

        var body = Assert.Single(handler.Requests);
        Assert.DoesNotContain("sha-512", body, StringComparison.Ordinal);
        Assert.Contains("sha-256", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_without_a_sha256_fingerprint_sends_no_request()
    {
        using var handler = new ScriptedHandler().ThenRespond(System.Net.HttpStatusCode.OK, """{"success":true}""");
        using var host = new GraphClientHost("http://127.0.0.1:9/", handler);

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.AcceptAsync(
            GraphClientHost.PhoneNumberId, "wacid.1", SampleSdp.Offer(SampleSdp.Sha512Line)));

        Assert.Equal(0, handler.Count);
    }
}
