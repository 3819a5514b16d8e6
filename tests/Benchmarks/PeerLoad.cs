using System.Diagnostics;
using System.Globalization;
using System.Net;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;

namespace Serverless.Benchmarks;

/// <summary>
/// Load driver for whole calls on loopback (run it in a loopback-only namespace):
/// (1) time from applying the remote answer to the first decrypted audio packet at the other side;
/// (2) CPU per established call, each leg sending and receiving 50 packets/s of pre-encoded Opus
/// without decoding (the MediaNode's cached-prompt + record path).
/// </summary>
internal static class PeerLoad
{
    public static async Task RunAsync(string[] args)
    {
        var setups = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await SetupLatencyAsync(setups);
        await CpuPerCallAsync(calls, seconds);
    }

    private static Task<PeerFactory> Factory(bool lite, MediaPacer pacer) => PeerFactory.CreateAsync(
        new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
            Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = lite } },
        },
        pacer);

    private static async Task SetupLatencyAsync(int count)
    {
        using var pacer = new MediaPacer(TimeProvider.System);
        using var business = await Factory(false, pacer);
        using var meta = await Factory(true, pacer);
        var samples = new List<double>();
        for (var i = 0; i < count + 5; i++)
        {
            using var caller = business.CreatePeer(new AudioPeerOptions { ReceiveMode = ReceiveMode.PacketsOnly });
            using var phone = meta.CreatePeer(new AudioPeerOptions { ReceiveMode = ReceiveMode.PacketsOnly });
            var answer = phone.AcceptOffer(caller.CreateOffer());
            var firstAudio = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            phone.Receiver!.OpusPacketReceived += (_, _, _) => firstAudio.TrySetResult(Stopwatch.GetTimestamp());
            var start = Stopwatch.GetTimestamp();
            caller.SetRemoteAnswer(answer);
            var end = await firstAudio.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= 5)
            {
                samples.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds); // first 5 warm the JIT
            }
        }

        samples.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"answer applied -> first decrypted audio at the phone, n={samples.Count}: p50 {Percentile(samples, 50):F1} ms, p90 {Percentile(samples, 90):F1} ms, p99 {Percentile(samples, 99):F1} ms, min {samples[0]:F1}, max {samples[^1]:F1}"));
    }

    private static async Task CpuPerCallAsync(int calls, int seconds)
    {
        using var pacer = new MediaPacer(TimeProvider.System);
        using var phonePacer = new MediaPacer(TimeProvider.System);
        using var business = await Factory(false, pacer);
        var heapBefore = LoadProbes.ManagedHeap();
        var phoneNodes = new List<PeerFactory>();
        var peers = new List<AudioPeer>();
        var prompt = PromptFrames(business.Codecs);
        try
        {
            var connected = new List<Task>();
            for (var i = 0; i < calls; i++)
            {
                var node = await Factory(true, phonePacer);
                phoneNodes.Add(node);
                var caller = business.CreatePeer(new AudioPeerOptions { Source = new LoopingFrames(prompt), ReceiveMode = ReceiveMode.PacketsOnly });
                var phone = node.CreatePeer(new AudioPeerOptions { Source = new LoopingFrames(prompt), ReceiveMode = ReceiveMode.PacketsOnly });
                peers.Add(caller);
                peers.Add(phone);
                connected.Add(LoadProbes.Connected(caller));
                caller.SetRemoteAnswer(phone.AcceptOffer(caller.CreateOffer()));
            }

            await Task.WhenAll(connected).WaitAsync(TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromSeconds(3)); // settle after setup
            var heapPerCall = (LoadProbes.ManagedHeap() - heapBefore) / (double)calls;
            var pacing = new List<double>();
            pacer.TickObserved = (late, duration) =>
            {
                lock (pacing)
                {
                    pacing.Add((late + duration).TotalMilliseconds);
                }
            };
            var lostBefore = peers.Sum(p => p.GetStats().Media.CumulativeLost);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var packetsBefore = peers.Sum(p => p.GetStats().Media.PacketsReceived);
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var packets = peers.Sum(p => p.GetStats().Media.PacketsReceived) - packetsBefore;
            pacer.TickObserved = null;
            var lost = peers.Sum(p => p.GetStats().Media.CumulativeLost) - lostBefore;
            double[] late;
            lock (pacing)
            {
                late = [.. pacing.Order()];
            }
            var legs = peers.Count;
            var perLegPercent = cpu.TotalSeconds / wall.Elapsed.TotalSeconds / legs * 100;
            Console.WriteLine(FormattableString.Invariant(
                $"{calls} calls ({legs} legs, both ends in this process), {wall.Elapsed.TotalSeconds:F0} s: CPU {cpu.TotalSeconds / wall.Elapsed.TotalSeconds * 100:F1} % of one core in all, {perLegPercent:F3} % per leg; {packets / wall.Elapsed.TotalSeconds / legs:F1} packets/s received per leg, {lost} lost; business pacer: send at most {late[(int)(late.Length * 0.5)]:F2} ms (p50) / {late[Math.Min(late.Length - 1, (int)(late.Length * 0.99))]:F2} ms (p99) / {late[^1]:F2} ms (max) after the 20 ms grid over {late.Length} ticks; managed heap {heapPerCall / 1024:F0} KB per call (both legs, the phone's port included)"));
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
            phoneNodes.ForEach(n => n.Dispose());
        }
    }

    private static byte[][] PromptFrames(OpusEncoderFactory codecs)
    {
        using var encoder = codecs.CreateEncoder();
        var tone = new ToneGenerator(440);
        var pcm = new short[OpusCodec.FrameSamples];
        var buffer = new byte[OpusCodec.MaxPacketBytes];
        var frames = new byte[50][];
        for (var i = 0; i < frames.Length; i++)
        {
            tone.Fill(pcm);
            frames[i] = buffer.AsSpan(0, encoder.Encode(pcm, buffer)).ToArray();
        }

        return frames;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed class LoopingFrames(byte[][] frames) : IAudioSource
    {
        private int _next;

        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            var frame = frames[_next];
            _next = (_next + 1) % frames.Length;
            frame.CopyTo(destination);
            written = frame.Length;
            return true;
        }
    }
}
