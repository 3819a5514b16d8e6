using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.WebRtc.Tests.Interop;

/// <summary>
/// Our peer against Google's libwebrtc (npm @roamhq/wrtc) as the phone, over real UDP on loopback:
/// ICE, DTLS-SRTP, Opus both ways, measured by frequency at each end.
/// </summary>
[Collection(nameof(LibWebRtcInteropTests))]
public sealed class LibWebRtcInteropTests
{
    [Fact]
    public async Task OurOffer_LibWebRtcAnswer_ToneBothWays_CleanClose()
    {
        using var node = await FactoryAsync();
        await using var phone = await WrtcPhone.StartAsync();
        var peer = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        var connected = StateAsync(peer, PeerConnectionState.Connected);

        var answer = await phone.AnswerAsync(peer.CreateOffer());
        peer.SetRemoteAnswer(answer);
        await connected.WaitAsync(Wait);
        await phone.Connected.WaitAsync(Wait);
        await phone.SendToneAsync(1000);

        Assert.InRange(await HearAsync(peer, 1000, Wait), 995, 1005);
        await phone.AssertHearsAsync(440, TimeSpan.FromSeconds(1));
        Assert.True(await phone.PacketsReceivedAsync(atLeast: 51) > 50);

        peer.Dispose();
        Assert.Equal(PeerConnectionState.Closed, peer.State);
        Assert.Equal(0, node.Mux.ConnectionCount);
    }

    /// <summary>
    /// libwebrtc checks as soon as it has our offer, while its answer is still on its way to us (the
    /// browser leg's signalling round trip): those checks are answered, not dropped (RFC 8445 §7.3).
    /// </summary>
    [Fact]
    public async Task OurOffer_LibWebRtcChecksBeforeItsAnswerIsApplied_AreAnswered()
    {
        using var node = await FactoryAsync();
        await using var phone = await WrtcPhone.StartAsync();
        var peer = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        var connected = StateAsync(peer, PeerConnectionState.Connected);

        var answer = await phone.AnswerAsync(peer.CreateOffer());
        Assert.True(SpinWait.SpinUntil(() => peer.GetStats().IceChecksAnswered > 0, Wait), "libwebrtc's early checks went unanswered");
        Assert.Equal(PeerConnectionState.New, peer.State);

        peer.SetRemoteAnswer(answer);
        await connected.WaitAsync(Wait);
        await phone.Connected.WaitAsync(Wait);
        await phone.AssertHearsAsync(440, TimeSpan.FromSeconds(1));
        peer.Dispose();
    }

    [Fact]
    public async Task LibWebRtcOffer_OurAnswer_ToneBothWays_CleanClose()
    {
        using var node = await FactoryAsync();
        await using var phone = await WrtcPhone.StartAsync();
        var peer = node.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(node.Codecs, 440) });
        var connected = StateAsync(peer, PeerConnectionState.Connected);

        var answer = peer.AcceptOffer(await phone.CreateOfferAsync());
        await phone.SetRemoteAnswerAsync(answer);
        await connected.WaitAsync(Wait);
        await phone.Connected.WaitAsync(Wait);
        await phone.SendToneAsync(1000);

        Assert.InRange(await HearAsync(peer, 1000, Wait), 995, 1005);
        await phone.AssertHearsAsync(440, TimeSpan.FromSeconds(1));

        peer.Dispose();
        Assert.Equal(0, node.Mux.ConnectionCount);
    }
}
