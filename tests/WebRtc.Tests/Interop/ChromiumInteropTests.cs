using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// Our peer against a real Chromium (Debian's chromium, driven by playwright-core through tests/Phone/chromium-phone.mjs)
/// over real UDP on loopback: full ICE, DTLS-SRTP, Opus both ways measured by frequency at each end (WebAudio
/// AnalyserNode in the page), and what the browser's own getStats says about the transport.
/// </summary>
[Collection(nameof(LibWebRtcInteropTests))]
public sealed class ChromiumInteropTests
{
    private const string Script = "chromium-phone.mjs";

    [Fact]
    public async Task ChromiumOffer_OurAnswer_ToneBothWays_DtlsSrtpAsChromiumReportsIt()
    {
        using var node = await FactoryAsync();
        await using var browser = await WrtcPhone.StartAsync(Script);
        var peer = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        var connected = StateAsync(peer, PeerConnectionState.Connected);

        var answer = peer.AcceptOffer(await browser.CreateOfferAsync());
        await browser.SetRemoteAnswerAsync(answer);
        await connected.WaitAsync(Wait);
        await browser.Connected.WaitAsync(Wait);
        await browser.SendToneAsync(880);

        Assert.InRange(await HearAsync(peer, 880, Wait), 875, 885);
        await browser.AssertHearsAsync(440, TimeSpan.FromMilliseconds(500));
        var stats = await browser.StatsAsync();
        Assert.Equal("connected", (string?)stats["transport"]!["dtlsState"]);
        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", (string?)stats["transport"]!["srtpCipher"]);
        // Chromium negotiates DTLS 1.2 with our stack today (FEFD); 1.3 (FEFC) would be as good.
        Assert.Contains((string?)stats["transport"]!["tlsVersion"], new[] { "FEFD", "FEFC" });
        Assert.True(await browser.PacketsReceivedAsync(atLeast: 51) > 50);

        peer.Dispose();
        Assert.Equal(0, node.Mux.ConnectionCount);
    }

    [Fact]
    public async Task OurOffer_ChromiumAnswer_ToneBothWays_CleanClose()
    {
        using var node = await FactoryAsync();
        await using var browser = await WrtcPhone.StartAsync(Script);
        var peer = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        var connected = StateAsync(peer, PeerConnectionState.Connected);

        var answer = await browser.AnswerAsync(peer.CreateOffer());
        peer.SetRemoteAnswer(answer);
        await connected.WaitAsync(Wait);
        await browser.Connected.WaitAsync(Wait);
        await browser.SendToneAsync(1000);

        Assert.InRange(await HearAsync(peer, 1000, Wait), 995, 1005);
        await browser.AssertHearsAsync(440, TimeSpan.FromMilliseconds(500));
        var stats = await browser.StatsAsync();
        Assert.Equal("connected", (string?)stats["transport"]!["dtlsState"]);

        peer.Dispose();
        Assert.Equal(PeerConnectionState.Closed, peer.State);
        Assert.Equal(0, node.Mux.ConnectionCount);
    }
}
