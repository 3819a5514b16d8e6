using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Sessions;
using Serverless.Shared.AudioPlans;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.Benchmarks;

/// <summary>
/// Bridged calls per node (issue 15), on loopback (run it in a loopback-only namespace): each call is a WhatsApp leg
/// (an ICE-lite phone, its own port) and an agent leg (a full-ICE "browser" that offers, its own port), both legs on the
/// node's one port, bridged by the MediaNode's <see cref="AgentLeg"/> (Opus payloads forwarded, no transcoding). Both
/// remote ends send 50 packets/s. Reports CPU and managed heap per bridged call and the delay the bridge adds: from a
/// packet of the agent arriving at the node to the same payload arriving at the phone.
/// </summary>
internal static class BridgeLoad
{
    public static async Task RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {File.ReadAllText("/proc/loadavg").Trim()}");

        using var pacer = new MediaPacer(TimeProvider.System);
        using var remotePacer = new MediaPacer(TimeProvider.System);
        using var node = await Factory(lite: false, pacer);
        var heapBefore = LoadProbes.ManagedHeap();
        var remotes = new List<PeerFactory>();
        var nodePeers = new List<AudioPeer>();
        var remotePeers = new List<AudioPeer>();
        // Frame numbers count from each browser's start: room for the setup and the measured window.
        var perCall = (seconds + 240) * 50;
        var arrivedAtNode = new long[perCall * calls];
        var delays = new List<double>();
        var measuring = false;
        try
        {
            var connected = new List<Task>();
            for (var i = 0; i < calls; i++)
            {
                var call = i;
                var leg = new AgentLeg("leg-" + i, "bench", new AgentWait(new ConnectAgentStep("q", TimeSpan.FromHours(1))));
                var phoneSide = await Factory(lite: true, remotePacer);
                var browserSide = await Factory(lite: false, remotePacer);
                remotes.Add(phoneSide);
                remotes.Add(browserSide);

                var whatsApp = node.CreatePeer(new AudioPeerOptions { Source = leg.FromAgent, ReceiveMode = ReceiveMode.PacketsOnly });
                var phone = phoneSide.CreatePeer(new AudioPeerOptions { Source = new NumberedFrames(call, 0), ReceiveMode = ReceiveMode.PacketsOnly });
                connected.Add(LoadProbes.Connected(whatsApp));
                phone.SetRemoteAnswer(whatsApp.AcceptOffer(phone.CreateOffer()));
                whatsApp.Receiver!.OpusPacketReceived += (payload, _, _) => leg.OfferCallerPacket(payload);

                var agent = node.CreatePeer(new AudioPeerOptions { Source = leg.ToAgent, ReceiveMode = ReceiveMode.PacketsOnly });
                var browser = browserSide.CreatePeer(new AudioPeerOptions { Source = new NumberedFrames(call, 1), ReceiveMode = ReceiveMode.PacketsOnly });
                connected.Add(LoadProbes.Connected(agent));
                browser.SetRemoteAnswer(agent.AcceptOffer(browser.CreateOffer()));
                agent.Receiver!.OpusPacketReceived += (payload, _, _) =>
                {
                    if (Volatile.Read(ref measuring) && NumberedFrames.TryRead(payload, out var c, out var n) && n < perCall)
                    {
                        arrivedAtNode[(c * (perCall)) + n] = Stopwatch.GetTimestamp();
                    }

                    leg.OfferAgentPacket(payload);
                };
                phone.Receiver!.OpusPacketReceived += (payload, _, _) =>
                {
                    var now = Stopwatch.GetTimestamp();
                    if (Volatile.Read(ref measuring) && NumberedFrames.TryRead(payload, out var c, out var n) && n < perCall
                        && arrivedAtNode[(c * (perCall)) + n] is var at and > 0)
                    {
                        lock (delays)
                        {
                            delays.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                        }
                    }
                };
                nodePeers.Add(whatsApp);
                nodePeers.Add(agent);
                remotePeers.Add(phone);
                remotePeers.Add(browser);
            }

            await Task.WhenAll(connected).WaitAsync(TimeSpan.FromSeconds(180));
            await Task.Delay(TimeSpan.FromSeconds(3)); // settle after setup
            var heapPerCall = (LoadProbes.ManagedHeap() - heapBefore) / (double)calls;
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var packetsBefore = remotePeers.Sum(p => p.GetStats().Media.PacketsReceived);
            var lostBefore = remotePeers.Sum(p => p.GetStats().Media.CumulativeLost);
            Volatile.Write(ref measuring, true);
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            Volatile.Write(ref measuring, false);
            var packets = remotePeers.Sum(p => p.GetStats().Media.PacketsReceived) - packetsBefore;
            var lost = remotePeers.Sum(p => p.GetStats().Media.CumulativeLost) - lostBefore;
            double[] sorted;
            lock (delays)
            {
                sorted = [.. delays.Order()];
            }

            var cpuPercent = cpu.TotalSeconds / wall.Elapsed.TotalSeconds * 100;
            Console.WriteLine(FormattableString.Invariant(
                $"{calls} bridged calls ({calls * 2} node legs on one port + {calls * 2} remote ends in this process), {wall.Elapsed.TotalSeconds:F0} s: CPU {cpuPercent:F1} % of one core in all = {cpuPercent / calls:F3} % per bridged call (its 2 remote ends included); {packets / wall.Elapsed.TotalSeconds / remotePeers.Count:F1} packets/s received per remote end, {lost} lost; managed heap {heapPerCall / 1024:F0} KB per bridged call (its 2 remote ends and their ports included)"));
            Console.WriteLine(FormattableString.Invariant(
                $"bridge delay, agent packet at the node -> same payload at the phone, n={sorted.Length}: p50 {Pct(sorted, 50):F1} ms, p90 {Pct(sorted, 90):F1} ms, p99 {Pct(sorted, 99):F1} ms, max {sorted[^1]:F1} ms"));
        }
        finally
        {
            nodePeers.ForEach(p => p.Dispose());
            remotePeers.ForEach(p => p.Dispose());
            remotes.ForEach(f => f.Dispose());
        }
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static Task<PeerFactory> Factory(bool lite, MediaPacer pacer) => PeerFactory.CreateAsync(
        new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
            Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = lite } },
        },
        pacer);

    // 80-byte payloads (a typical 20 ms voice frame) numbered by call, side and frame, so a forwarded one is recognised.
    private sealed class NumberedFrames(int call, int side) : IAudioSource
    {
        private int _next;

        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            destination[..80].Clear();
            destination[0] = 0xF8;
            destination[1] = (byte)side;
            BinaryPrimitives.WriteInt32BigEndian(destination[2..], call);
            BinaryPrimitives.WriteInt32BigEndian(destination[6..], _next++);
            written = 80;
            return true;
        }

        public static bool TryRead(ReadOnlySpan<byte> payload, out int call, out int frame)
        {
            (call, frame) = (0, 0);
            if (payload.Length != 80 || payload[0] != 0xF8 || payload[1] != 1)
            {
                return false;
            }

            call = BinaryPrimitives.ReadInt32BigEndian(payload[2..]);
            frame = BinaryPrimitives.ReadInt32BigEndian(payload[6..]);
            return true;
        }
    }
}
