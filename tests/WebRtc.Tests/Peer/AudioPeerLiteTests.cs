using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Sdp;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.WebRtc.Tests.Peer;

/// <summary>Our peer against our peer playing Meta: ICE-lite, candidates in the SDP, a=setup:active in its answer.</summary>
public sealed class AudioPeerLiteTests
{
    [Fact]
    public async Task BusinessOfferMetaLikeAnswer_ConnectsAndCarriesAudioBothWays()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var caller = business.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(business.Codecs, 440) });
        using var phone = meta.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(meta.Codecs, 1000) });
        var connected = Task.WhenAll(StateAsync(caller, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));

        var offer = caller.CreateOffer();
        var answer = phone.AcceptOffer(offer);
        caller.SetRemoteAnswer(answer);
        await connected.WaitAsync(Wait);

        var answerSdp = SdpParser.Parse(answer);
        Assert.True(answerSdp.IsIceLite);
        Assert.Equal(SetupRole.Active, answerSdp.GetSetupRole());
        Assert.InRange(await HearAsync(phone, 440, Wait), 435, 445);
        Assert.InRange(await HearAsync(caller, 1000, Wait), 995, 1005);
        Assert.Equal(0, caller.GetStats().SrtpUnprotectFailures);
    }

    [Fact]
    public async Task Rfc4733_DigitsPressedOnThePhoneArriveOnceEach()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var caller = business.CreatePeer();
        using var phone = meta.CreatePeer();
        var digits = new System.Collections.Concurrent.ConcurrentQueue<char>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        caller.DtmfReceived += (_, d) =>
        {
            digits.Enqueue(d);
            if (digits.Count == 3)
            {
                three.TrySetResult();
            }
        };
        var connected = Task.WhenAll(StateAsync(caller, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));
        caller.SetRemoteAnswer(phone.AcceptOffer(caller.CreateOffer()));
        await connected.WaitAsync(Wait);

        var sent = phone.SendDtmf("12#");
        await three.Task.WaitAsync(Wait);
        await sent.WaitAsync(Wait); // completion is signalled once the last digit's end packets are out
        Assert.Equal(0, phone.Sender!.PendingDtmfCount);

        Assert.Equal("12#", new string([.. digits]));
    }

    [Fact]
    public async Task Rfc8122_5_AFingerprintThatIsNotTheCertificateFailsWithNoMedia()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var caller = business.CreatePeer();
        using var phone = meta.CreatePeer();
        var failed = StateAsync(caller, PeerConnectionState.Failed);

        var answer = phone.AcceptOffer(caller.CreateOffer());
        var forged = SdpParser.Parse(answer);
        var audio = forged.AudioSection!;
        var index = audio.Attributes.ToList().FindIndex(a => a.Name == "fingerprint");
        audio.Attributes[index] = new SdpAttributeLine("fingerprint", SdpFingerprint.Sha256(new byte[32]).ToValueString());
        caller.SetRemoteAnswer(SdpSerializer.Write(forged));
        await failed.WaitAsync(Wait);

        Assert.Equal(PeerFailure.FingerprintMismatch, caller.Failure);
        Assert.Equal(0, caller.GetStats().Media.PacketsReceived);
    }

    [Fact]
    public async Task TamperedSrtpFromTheSelectedAddressIsDroppedAndCounted_StrangersNeverReachThePeer()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var caller = business.CreatePeer();
        using var phone = meta.CreatePeer();
        var connected = Task.WhenAll(StateAsync(caller, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));
        caller.SetRemoteAnswer(phone.AcceptOffer(caller.CreateOffer()));
        await connected.WaitAsync(Wait);

        // From the phone's own port (the ICE-selected address): a well-formed RTP header with a bad tag.
        var forged = new byte[60];
        forged[0] = 0x80;
        forged[1] = 111;
        using (var intruder = meta.Mux.Register("intr", new NullHandler()))
        {
            for (var i = 0; i < 5; i++)
            {
                forged[3] = (byte)i;
                intruder.Send(forged, business.Mux.LocalEndPoint);
            }
        }

        // From an address that never did ICE: the mux drops it before any peer sees it.
        using var stranger = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var droppedBefore = business.Mux.Counters.Dropped;
        stranger.SendTo(forged, business.Mux.LocalEndPoint);

        Assert.True(SpinWait.SpinUntil(() => caller.GetStats().SrtpUnprotectFailures >= 5 && business.Mux.Counters.Dropped > droppedBefore, Wait));
        Assert.Equal(PeerConnectionState.Connected, caller.State);
    }

    private sealed class NullHandler : Serverless.WebRtc.Net.IUdpMuxHandler
    {
        public void OnStun(ReadOnlySpan<byte> datagram, System.Net.IPEndPoint from)
        {
        }

        public void OnMedia(ReadOnlySpan<byte> datagram, Serverless.WebRtc.Demux.PacketKind kind, System.Net.SocketAddress from)
        {
        }
    }
}
