using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;
using Serverless.MediaNode.Telemetry;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.WebRtc.Ice;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Net;
using Serverless.WebRtc.Peer;
using Serverless.Testing;

namespace Serverless.Benchmarks;

/// <summary>
/// Streamed calls per node (issue 16), on loopback (run it in a loopback-only namespace): each call is a WhatsApp leg
/// (an ICE-lite phone on its own port sending a 440 Hz tone, 50 packets/s) answered on the node's one port by a
/// <see cref="CallAudio"/> whose plan is one real <c>stream</c> step (decode, resample, encode in the dialect, WebSocket)
/// to one in-process agent server (HttpListener) that echoes every media frame back; the node cuts, resamples and
/// Opus-encodes the echo and the pacer sends it to the phone. Runs the given Opus implementations one after the other
/// in this process (both: managed, native, managed, native). Reports CPU and memory per streamed call (its phone and
/// its agent connection included) and exact
/// frame counts each way: the phones send only between "go" and "stop" (silence otherwise, which the benchmark keeps
/// from the stream so every counted frame is a tone frame), then everything in flight drains before counting.
/// </summary>
internal static class StreamLoad
{
    public static async Task RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var modes = (args.Length > 2 ? args[2] : "both") switch
        {
            "native" => new[] { true },
            "managed" => [false],
            "both" => [false, true, false, true], // interleaved, so both see the same load and neither only the cold start
            var other => throw new ArgumentException($"'{other}': expected native, managed or both"),
        };
        var dialect = args.Length > 3 ? args[3] : "twilio";
        if (dialect is not ("twilio" or "pcm16"))
        {
            throw new ArgumentException($"'{dialect}': expected twilio or pcm16");
        }

        // "wrtc": after each round, the same number of @roamhq/wrtc legs (calls / 2 pairs) for the same time, so the
        // CPU-per-connection ratio comes from one run under the same load (tests/Benchmarks/wrtc/probe.mjs).
        var wrtc = args.Length > 4 && args[4] == "wrtc";
        if (args.Length > 4 && !wrtc)
        {
            throw new ArgumentException($"'{args[4]}': expected wrtc or nothing");
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        foreach (var native in modes)
        {
            await RunOnceAsync(calls, seconds, native, dialect);
            if (wrtc)
            {
                await WrtcProbeAsync(Math.Max(1, calls / 2), seconds);
            }
        }
    }

    private static async Task WrtcProbeAsync(int pairs, int seconds)
    {
        using var probe = Process.Start(new ProcessStartInfo("node", ["tests/Benchmarks/wrtc/probe.mjs", pairs.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("node did not start");
        await probe.WaitForExitAsync();
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException($"the @roamhq/wrtc probe failed (exit {probe.ExitCode})");
        }
    }

    private static async Task RunOnceAsync(int calls, int seconds, bool native, string dialect)
    {
        var codecs = new OpusEncoderFactory(new OpusCodecOptions { AttemptToUseNativeLibrary = native });
        if (native && codecs.Implementation != OpusImplementation.Native)
        {
            throw new InvalidOperationException("libopus.so.0 is missing: apt-get install libopus0");
        }

        Console.WriteLine($"--- {calls} streamed calls, {dialect}, Opus {codecs.Implementation} ({codecs.ImplementationVersion}); load average {File.ReadAllText("/proc/loadavg").Trim()}");
        using var latency = new LatencyProbe();
        await using var agent = AgentServer.Start(calls);
        using var pacer = new MediaPacer(TimeProvider.System);
        using var phonePacer = new MediaPacer(TimeProvider.System);
        using var node = await Factory(lite: false, pacer);
        var prompts = new PromptCache(codecs);
        var recordings = new InMemoryRecordingStore();
        var urls = new StreamUrlPolicy(allowLoopback: true);
        var tone = ToneFrames(codecs);
        var nodeSilence = node.Codecs.SilenceFrame.ToArray();

        var heapBefore = LoadProbes.ManagedHeap();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var rssBefore = process.WorkingSet64;

        var phones = new List<PeerFactory>();
        var peers = new List<AudioPeer>();
        var audios = new List<CallAudio>();
        var runs = new List<Task>();
        var sources = new GatedTone[calls];
        var atNode = new long[calls];
        var atPhone = new long[calls];
        var events = new Results();
        using var hangUp = new CancellationTokenSource();
        try
        {
            var connected = new List<Task>();
            for (var i = 0; i < calls; i++)
            {
                var call = i;
                var step = dialect == "twilio"
                    ? new StreamStep(agent.Url, StreamDialect.Twilio) { Timeout = TimeSpan.FromHours(1) }
                    : new StreamStep(agent.Url, StreamDialect.Pcm) { SampleRate = 16_000, Timeout = TimeSpan.FromHours(1) };
                var audio = new CallAudio(CallId(call), new AudioPlan([step]), prompts, recordings, TimeProvider.System, NullLogger.Instance, urls);
                audios.Add(audio);
                var phoneSide = await Factory(lite: true, phonePacer);
                phones.Add(phoneSide);
                sources[call] = new GatedTone(tone);
                var whatsApp = node.CreatePeer(new AudioPeerOptions { Source = audio.Source, ReceiveMode = audio.ReceiveMode });
                var phone = phoneSide.CreatePeer(new AudioPeerOptions { Source = sources[call], ReceiveMode = ReceiveMode.PacketsOnly });
                peers.Add(whatsApp);
                peers.Add(phone);
                connected.Add(LoadProbes.Connected(whatsApp));
                phone.SetRemoteAnswer(whatsApp.AcceptOffer(phone.CreateOffer()));

                // What CallAudio.Attach wires, less the phone's silence frames before "go" and after "stop": the muted
                // phone sends nothing to the agent, so every frame counted each way is a tone frame.
                var phoneSilence = phoneSide.Codecs.SilenceFrame.ToArray();
                whatsApp.Receiver!.OpusPacketReceived += (payload, timestamp, _) =>
                {
                    if (!payload.SequenceEqual(phoneSilence))
                    {
                        Interlocked.Increment(ref atNode[call]);
                        audio.ReceivePacket(payload, timestamp);
                    }
                };
                phone.Receiver!.OpusPacketReceived += (payload, _, _) =>
                {
                    if (!payload.SequenceEqual(nodeSilence))
                    {
                        Interlocked.Increment(ref atPhone[call]);
                    }
                };
                runs.Add(audio.RunAsync(events, hangUp.Token));
            }

            await Task.WhenAll(connected).WaitAsync(TimeSpan.FromSeconds(180));
            await agent.AllStarted.WaitAsync(TimeSpan.FromSeconds(180));
            Array.ForEach(sources, s => s.On = true); // go
            await Task.Delay(TimeSpan.FromSeconds(3)); // settle: JIT, queues, first echoes
            var heapPerCall = (LoadProbes.ManagedHeap() - heapBefore) / (double)calls;
            process.Refresh();
            var rssPerCall = (process.WorkingSet64 - rssBefore) / (double)calls;
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var elapsed = wall.Elapsed;
            var loadDuring = File.ReadAllText("/proc/loadavg").Trim();
            Array.ForEach(sources, s => s.On = false); // stop

            // Drain: wait until nothing moves for a second (the agent's echo, the node's playout queue, the phones).
            var last = (-1L, -1L, -1L);
            var still = Stopwatch.StartNew();
            var drain = Stopwatch.StartNew();
            // Counters have no event to wait on: sample them every 100 ms until they stand still.
            using var sample = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (drain.Elapsed < TimeSpan.FromSeconds(30) && await sample.WaitForNextTickAsync())
            {
                var now = (agent.Received, agent.Echoed, atPhone.Sum());
                if (now != last)
                {
                    last = now;
                    still.Restart();
                }
                else if (still.Elapsed >= TimeSpan.FromSeconds(1))
                {
                    break;
                }
            }

            await hangUp.CancelAsync();
            await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(60));

            var sent = sources.Sum(s => s.Sent);
            var received = atNode.Sum();
            var results = events.All;
            var framesSent = results.Sum(r => r.FramesSent);
            var framesPlayed = results.Sum(r => r.FramesPlayed);
            var echoedHeard = atPhone.Sum();
            var upLoss = sent - latency.UplinkCount + (framesSent - agent.Received);
            var downLoss = agent.Echoed - echoedHeard;
            var cpuPercent = cpu.TotalSeconds / elapsed.TotalSeconds * 100;
            Console.WriteLine(FormattableString.Invariant(
                $"{calls} streamed calls ({results.Count} stream results, {results.Count(r => r.Outcome == StreamOutcome.CallEnded)} ended by the hang-up), {elapsed.TotalSeconds:F0} s; load average at the end {loadDuring}"));
            Console.WriteLine(FormattableString.Invariant(
                $"CPU {cpuPercent:F1} % of one core in all ({cpuPercent / Environment.ProcessorCount:F1} % of the machine) = {cpuPercent / calls:F3} % of a core per streamed call (its phone and its agent connection included); managed heap {heapPerCall / 1024:F0} KB, resident set {rssPerCall / 1024:F0} KB per streamed call"));
            Console.WriteLine(FormattableString.Invariant(
                $"caller -> agent: {sent} tone frames sent by the phones, {received} reached the node, {latency.UplinkCount} handed to the WebSocket, {framesSent} sent incl. concealed, {agent.Received} reached the agent; lost {upLoss}"));
            Console.WriteLine(FormattableString.Invariant(
                $"agent -> caller: {agent.Echoed} frames echoed by the agent, {framesPlayed} played by the node, {echoedHeard} reached the phones; lost {downLoss}"));
            Console.WriteLine(FormattableString.Invariant(
                $"pacer ticks skipped (stalls past the catch-up bound): node {pacer.TicksSkipped}, phones {phonePacer.TicksSkipped}; {framesSent - latency.UplinkCount} frames concealed by the node for gaps in the phones' timestamps"));
            Console.WriteLine(FormattableString.Invariant(
                $"node latency (medianode.stream.*_latency): caller -> agent p50 {latency.Uplink(0.5):F1} ms, p99 {latency.Uplink(0.99):F1} ms; agent -> caller p50 {latency.Downlink(0.5):F1} ms, p99 {latency.Downlink(0.99):F1} ms"));
            Console.WriteLine(FormattableString.Invariant(
                $"| {calls} | {dialect} | {codecs.Implementation} | {cpuPercent / calls:F3} % | {heapPerCall / 1024:F0} KB | {rssPerCall / 1024:F0} KB | {upLoss} / {sent} | {downLoss} / {agent.Echoed} | {latency.Uplink(0.5):F1} / {latency.Uplink(0.99):F1} ms | {latency.Downlink(0.5):F1} / {latency.Downlink(0.99):F1} ms | {loadDuring} |"));
        }
        finally
        {
            await hangUp.CancelAsync();
            foreach (var audio in audios)
            {
                await audio.DisposeAsync();
            }

            peers.ForEach(p => p.Dispose());
            phones.ForEach(f => f.Dispose());
        }
    }

    private static string CallId(int call) => "call-" + call.ToString(CultureInfo.InvariantCulture);

    private static Task<PeerFactory> Factory(bool lite, MediaPacer pacer) => PeerFactory.CreateAsync(
        new PeerFactoryOptions
        {
            Mux = new UdpMuxOptions { BindAddress = IPAddress.Loopback },
            Gathering = new CandidateGatheringOptions { IncludeLoopback = true },
            Peer = new PeerOptions { Ice = new IceAgentOptions { Lite = lite } },
        },
        pacer);

    // One second of a 440 Hz tone, encoded once: the phones loop it.
    private static byte[][] ToneFrames(OpusEncoderFactory codecs)
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

    /// <summary>The phone's tone while <see cref="On"/>; silence otherwise. Counts the tone frames handed to the pacer.</summary>
    private sealed class GatedTone(byte[][] frames) : IAudioSource
    {
        private int _next;
        private long _sent;
        private volatile bool _on;

        public bool On { set => _on = value; }

        public long Sent => Interlocked.Read(ref _sent);

        public bool TryReadFrame(Span<byte> destination, out int written)
        {
            written = 0;
            if (!_on)
            {
                return false;
            }

            var frame = frames[_next];
            _next = (_next + 1) % frames.Length;
            frame.CopyTo(destination);
            written = frame.Length;
            Interlocked.Increment(ref _sent);
            return true;
        }
    }

    /// <summary>The stream steps' results, as the session would report them.</summary>
    private sealed class Results : ICallAudioEvents
    {
        private readonly ConcurrentBag<StreamResult> _results = [];

        public List<StreamResult> All => [.. _results];

        public ValueTask StreamEndedAsync(int stepIndex, StreamResult result, CancellationToken cancellationToken)
        {
            _results.Add(result);
            return ValueTask.CompletedTask;
        }

        public ValueTask InputCollectedAsync(int stepIndex, DigitInput input, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask PlanFinishedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask AgentRequestedAsync(string queue, int timeoutSeconds, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask AgentRequestEndedAsync(string queue, AgentRequestEndReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask HangupRequestedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>
    /// The node's own latency histograms (<see cref="StreamLatency"/>, one record per real caller frame handed to the
    /// WebSocket and per agent frame taken by the pacer), summed over all streams in 0.1 ms buckets.
    /// </summary>
    private sealed class LatencyProbe : IDisposable
    {
        private const int Buckets = 100_000; // 0.1 ms up to 10 s
        private readonly MeterListener _listener = new();
        private readonly long[] _up = new long[Buckets + 1];
        private readonly long[] _down = new long[Buckets + 1];

        public LatencyProbe()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MediaNodeMetrics.Name && instrument.Name.StartsWith("medianode.stream.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, ms, _, _) =>
            {
                var buckets = instrument.Name == "medianode.stream.uplink_latency" ? _up : _down;
                Interlocked.Increment(ref buckets[Math.Clamp((int)(ms * 10), 0, Buckets)]);
            });
            _listener.Start();
        }

        public long UplinkCount => _up.Sum();

        public double Uplink(double q) => Quantile(_up, q);

        public double Downlink(double q) => Quantile(_down, q);

        private static double Quantile(long[] buckets, double q)
        {
            var total = buckets.Sum();
            long seen = 0;
            for (var i = 0; i <= Buckets; i++)
            {
                seen += buckets[i];
                if (total > 0 && seen >= Math.Max(1, (long)Math.Ceiling(q * total)))
                {
                    return (i + 1) / 10.0;
                }
            }

            return 0;
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>
    /// One agent server for all calls (HttpListener on loopback): every media frame is echoed back at once, in the
    /// call's dialect (Twilio <c>media</c> JSON with the same payload, or the same binary PCM frame).
    /// </summary>
    private sealed class AgentServer : IAsyncDisposable
    {
        private static readonly byte[] MediaEvent = "\"event\":\"media\""u8.ToArray();
        private static readonly byte[] PayloadKey = "\"payload\":\""u8.ToArray();

        private readonly LoopbackWebSocketServer _server;
        private readonly int _calls;
        private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;
        private long _received;
        private long _echoed;

        private AgentServer(int calls)
        {
            _calls = calls;
            _server = LoopbackWebSocketServer.Start((_, socket) => ServeAsync(socket));
        }

        public Uri Url => _server.Url;

        public Task AllStarted => _allStarted.Task;

        public long Received => Interlocked.Read(ref _received);

        public long Echoed => Interlocked.Read(ref _echoed);

        public static AgentServer Start(int calls) => new(calls);

        private async Task ServeAsync(WebSocket socket)
        {
            var buffer = new byte[64 * 1024];
            var reply = new byte[64 * 1024];
            byte[]? prefix = null;
            var suffix = "\"}}"u8.ToArray();
            while (await LoopbackWebSocketServer.ReceiveMessageAsync(socket, buffer) is var (type, count))
            {
                var message = buffer.AsMemory(0, count);
                if (type == WebSocketMessageType.Binary)
                {
                    Interlocked.Increment(ref _received);
                    await socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);
                    Interlocked.Increment(ref _echoed);
                    continue;
                }

                var span = message.Span;
                if (span.IndexOf(MediaEvent) >= 0 && span.IndexOf(PayloadKey) is var at and >= 0 && prefix is not null)
                {
                    // Twilio media: the same payload straight back (no JSON parse per frame: the agent is not what we measure).
                    Interlocked.Increment(ref _received);
                    var payload = span[(at + PayloadKey.Length)..];
                    payload = payload[..payload.IndexOf((byte)'"')];
                    prefix.CopyTo(reply, 0);
                    payload.CopyTo(reply.AsSpan(prefix.Length));
                    suffix.CopyTo(reply, prefix.Length + payload.Length);
                    await socket.SendAsync(reply.AsMemory(0, prefix.Length + payload.Length + suffix.Length), WebSocketMessageType.Text, true, CancellationToken.None);
                    Interlocked.Increment(ref _echoed);
                    continue;
                }

                using var json = JsonDocument.Parse(message);
                if (json.RootElement.TryGetProperty("event", out var name) && name.GetString() == "start")
                {
                    if (json.RootElement.TryGetProperty("streamSid", out var sid))
                    {
                        prefix = Encoding.UTF8.GetBytes($"{{\"event\":\"media\",\"streamSid\":\"{sid.GetString()}\",\"media\":{{\"payload\":\"");
                    }
                    else
                    {
                        prefix = []; // pcm: media is binary
                    }

                    if (Interlocked.Increment(ref _started) == _calls)
                    {
                        _allStarted.TrySetResult();
                    }
                }
            }
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
