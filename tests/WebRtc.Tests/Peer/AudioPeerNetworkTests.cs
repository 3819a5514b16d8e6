using System.Diagnostics;
using System.Net;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Peer;
using Serverless.WebRtc.Testing;
using static Serverless.WebRtc.Testing.PeerTestKit;

namespace Serverless.WebRtc.Tests.Peer;

public sealed class AudioPeerNetworkTests
{
    [Fact]
    public async Task TenPercentLossAndReorderingWithin60ms_AudioStillDecodes_StatsReportTheLoss()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var relay = new LossyRelay(meta.Mux.LocalEndPoint, dropEvery: 10, delayEvery: 7, delay: TimeSpan.FromMilliseconds(40));
        using var caller = business.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(business.Codecs, 440) });
        using var phone = meta.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(meta.Codecs, 1000) });
        var connected = Task.WhenAll(StateAsync(caller, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));

        var answer = phone.AcceptOffer(caller.CreateOffer());
        // The caller only knows the relay: every packet of the call crosses it.
        caller.SetRemoteAnswer(answer.Replace($" {meta.Mux.Port} typ", $" {relay.CallerFacing.Port} typ", StringComparison.Ordinal));
        await connected.WaitAsync(Wait);

        Assert.InRange(await HearAsync(phone, 440, Wait), 435, 445);
        Assert.InRange(await HearAsync(caller, 1000, Wait), 995, 1005);
        Assert.True(SpinWait.SpinUntil(() => relay.Dropped > 40, Wait)); // a few seconds of 10 % loss each way
        foreach (var peer in new[] { caller, phone })
        {
            var media = peer.GetStats().Media;
            var lossRate = (double)media.CumulativeLost / (media.PacketsReceived + media.CumulativeLost);
            Assert.InRange(lossRate, 0.07, 0.13);
            Assert.True(peer.Receiver!.FramesFecRecovered + peer.Receiver.FramesConcealed > 0);
        }
    }

    /// <summary>
    /// The DTLS server finishes first and talks at once; the client's keys arrive with the server's last
    /// flight, here held back by the network. The SRTP that came before the keys is kept and decrypted once
    /// they exist, not dropped: it is already counted when the client reports Connected.
    /// </summary>
    [Fact]
    public async Task SrtpArrivingBeforeTheKeysIsBufferedAndDeliveredOnceTheyAreInstalled()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        using var relay = new LossyRelay(meta.Mux.LocalEndPoint, int.MaxValue, int.MaxValue, TimeSpan.Zero, dtlsToPhoneDelay: TimeSpan.FromMilliseconds(400));
        using var caller = business.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(business.Codecs, 440) });
        using var phone = meta.CreatePeer();
        long receivedAtConnect = -1;
        phone.StateChanged += (p, state) =>
        {
            if (state == PeerConnectionState.Connected)
            {
                Interlocked.Exchange(ref receivedAtConnect, p.GetStats().Media.PacketsReceived);
            }
        };
        var connected = Task.WhenAll(StateAsync(caller, PeerConnectionState.Connected), StateAsync(phone, PeerConnectionState.Connected));

        var answer = phone.AcceptOffer(caller.CreateOffer()); // the phone answers a=setup:active: it is the DTLS client
        caller.SetRemoteAnswer(answer.Replace($" {meta.Mux.Port} typ", $" {relay.CallerFacing.Port} typ", StringComparison.Ordinal));
        await connected.WaitAsync(Wait);

        Assert.True(Interlocked.Read(ref receivedAtConnect) > 0, "no early SRTP was kept for the keys");
        Assert.Equal(0, phone.GetStats().EarlyMediaDropped);
        Assert.Equal(0, phone.GetStats().SrtpUnprotectFailures);
        Assert.InRange(await HearAsync(phone, 440, Wait), 435, 445);
    }

    /// <summary>RFC 3550 §6.6: hanging up sends RTCP BYE, so the other side (a browser) sees the end at once.</summary>
    [Fact]
    public async Task HangUpSendsRtcpByeThatThePeerReads()
    {
        using var business = await FactoryAsync();
        using var browser = await FactoryAsync();
        var caller = business.CreatePeer(new AudioPeerOptions { Source = new LoopingToneSource(business.Codecs, 440) });
        using var agent = browser.CreatePeer();
        await ConnectAsync(caller, agent);
        var goodbye = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.GoodbyeReceived += _ => goodbye.TrySetResult();

        caller.Dispose();

        await goodbye.Task.WaitAsync(Wait);
        Assert.Equal(0, agent.GetStats().SrtpUnprotectFailures); // the BYE came through SRTCP, authenticated
    }

    [Fact]
    public async Task TwoHundredCallsShareOnePort_EachPhoneGetsOnlyItsOwnCallersAudio()
    {
        const int calls = 200;
        using var business = await FactoryAsync();
        // Each phone on its own port, as each WhatsApp call has its own relay address; one pacing thread for all.
        using var phonePacer = new MediaPacer(TimeProvider.System);
        var phoneNodes = new List<PeerFactory>();
        for (var i = 0; i < calls; i++)
        {
            phoneNodes.Add(await FactoryAsync(lite: true, phonePacer));
        }

        var callers = new List<AudioPeer>();
        var phones = new List<AudioPeer>();
        var foreign = 0L;
        var counts = new long[calls];
        try
        {
            var connected = new List<Task>();
            for (var i = 0; i < calls; i++)
            {
                var caller = business.CreatePeer(new AudioPeerOptions { ReceiveMode = ReceiveMode.PacketsOnly });
                var phone = phoneNodes[i].CreatePeer(new AudioPeerOptions { ReceiveMode = ReceiveMode.PacketsOnly });
                callers.Add(caller);
                phones.Add(phone);
                connected.Add(StateAsync(caller, PeerConnectionState.Connected));
                connected.Add(StateAsync(phone, PeerConnectionState.Connected));
                caller.SetRemoteAnswer(phone.AcceptOffer(caller.CreateOffer()));
                var index = i;
                var expected = caller.Ssrc;
                phone.Receiver!.OpusPacketReceived += (_, _, _) =>
                {
                    if (phone.Receiver.RemoteSsrc == expected)
                    {
                        Interlocked.Increment(ref counts[index]);
                    }
                    else
                    {
                        Interlocked.Increment(ref foreign);
                    }
                };
            }

            await Task.WhenAll(connected).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(SpinWait.SpinUntil(() => counts.All(c => c >= 25), TimeSpan.FromSeconds(60)), $"calls still waiting for audio: {counts.Count(c => c < 25)}");
            Assert.Equal(0, Interlocked.Read(ref foreign));
            Assert.Equal(calls, business.Mux.ConnectionCount);
            Assert.Equal(0, business.Mux.Counters.AddressConflicts);
        }
        finally
        {
            callers.ForEach(p => p.Dispose());
            phones.ForEach(p => p.Dispose());
            phoneNodes.ForEach(n => n.Dispose());
        }

        Assert.Equal(0, business.Mux.ConnectionCount);
    }

    [Fact]
    public async Task FiveHundredOpenCloseCycles_LeaveNoSocketsThreadsOrTimersBehind()
    {
        using var business = await FactoryAsync();
        using var meta = await FactoryAsync(lite: true);
        await CycleAsync(business, meta, 20); // warm up lazily created pools and JIT
        var (fds, threads, timers) = Resources();

        await CycleAsync(business, meta, 500);

        var after = SettledResources(fds, threads, timers);
        Assert.True(after.Fds <= fds + 5, $"file descriptors {fds} -> {after.Fds}");
        Assert.True(after.Threads <= threads + 5, $"threads {threads} -> {after.Threads}");
        Assert.True(after.Timers <= timers + 5, $"timers {timers} -> {after.Timers}");
        Assert.Equal(0, business.Mux.ConnectionCount);
    }

    private static async Task CycleAsync(PeerFactory business, PeerFactory meta, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var caller = business.CreatePeer();
            using var phone = meta.CreatePeer();
            var connected = StateAsync(caller, PeerConnectionState.Connected);
            caller.SetRemoteAnswer(phone.AcceptOffer(caller.CreateOffer()));
            if (i % 25 == 0)
            {
                await connected.WaitAsync(Wait); // every 25th call goes all the way to SRTP before closing
            }
        }
    }

    private static (int Fds, int Threads, long Timers) Resources() =>
        (Directory.GetFiles("/proc/self/fd").Length, Process.GetCurrentProcess().Threads.Count, Timer.ActiveCount);

    // Closed peers release asynchronously (timer callbacks in flight, DTLS threads unwinding): wait for it.
    private static (int Fds, int Threads, long Timers) SettledResources(int fds, int threads, long timers)
    {
        (int Fds, int Threads, long Timers) now = Resources();
        SpinWait.SpinUntil(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                now = Resources();
                return now.Fds <= fds + 5 && now.Threads <= threads + 5 && now.Timers <= timers + 5;
            },
            TimeSpan.FromSeconds(30));
        return now;
    }
}
