using System.Diagnostics;
using System.Globalization;
using Serverless.MediaNode.Audio;
using Serverless.WebRtc.Media;

namespace Serverless.Benchmarks;

/// <summary>
/// Managed Concentus and native libopus encode/decode of 20 ms frames, interleaved round by round in one process
/// so both see the same machine load; then the Speex resampler per 20 ms frame. CPU per frame (median of the
/// rounds) and bytes allocated per frame on the measuring thread.
/// </summary>
internal static class OpusNativeVersusManaged
{
    public static void Run(int framesPerRound, int rounds)
    {
        var managed = new OpusEncoderFactory(new OpusCodecOptions { AttemptToUseNativeLibrary = false });
        var native = new OpusEncoderFactory(new OpusCodecOptions { AttemptToUseNativeLibrary = true });
        if (native.Implementation != OpusImplementation.Native)
        {
            throw new InvalidOperationException("libopus.so.0 is missing: apt-get install libopus0");
        }

        Console.WriteLine($"Opus managed ({managed.ImplementationVersion}) vs native ({native.ImplementationVersion}), " +
            $"{framesPerRound:N0} frames x {rounds} rounds per side, interleaved; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var signal = Speechlike(framesPerRound);
        Console.WriteLine("| complexity | managed encode | native encode | ratio | managed decode | native decode | ratio | managed alloc enc/dec per frame | native alloc enc/dec per frame |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var complexity in new[] { 5, 10 })
        {
            _ = Measure(managed, complexity, signal, 200); // warm-up: JIT and tiering for both
            _ = Measure(native, complexity, signal, 200);
            var m = new List<Result>();
            var n = new List<Result>();
            for (var round = 0; round < rounds; round++)
            {
                m.Add(Measure(managed, complexity, signal, framesPerRound));
                n.Add(Measure(native, complexity, signal, framesPerRound));
            }

            double me = Median(m.Select(r => r.EncodeUs)), ne = Median(n.Select(r => r.EncodeUs));
            double md = Median(m.Select(r => r.DecodeUs)), nd = Median(n.Select(r => r.DecodeUs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {complexity} | {me:F1} µs | {ne:F1} µs | {me / ne:F2}x | {md:F1} µs | {nd:F1} µs | {md / nd:F2}x | " +
                $"{m[^1].EncodeBytes:N0} B / {m[^1].DecodeBytes:N0} B | {n[^1].EncodeBytes:N0} B / {n[^1].DecodeBytes:N0} B |"));
        }

        Console.WriteLine();
        Console.WriteLine("An agent's audio (speech-like, through the agent's rate and back to 48 kHz) encoded at complexity 5, " +
            "by an encoder capped at the agent's band and by an uncapped one, interleaved; per 20 ms frame:");
        Console.WriteLine("| implementation | agent rate | capped encode | uncapped encode | capped ÷ uncapped | capped bytes | uncapped bytes |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var codecs in new[] { native, managed })
        {
            foreach (var rate in new[] { 8_000, 16_000, 24_000 })
            {
                var agentAudio = ThroughRate(signal, rate);
                _ = MeasureEncode(() => codecs.CreateEncoder(5, rate), agentAudio, 200);
                _ = MeasureEncode(() => codecs.CreateEncoder(5), agentAudio, 200);
                var capped = new List<(double Us, double Bytes)>();
                var uncapped = new List<(double Us, double Bytes)>();
                for (var round = 0; round < rounds; round++)
                {
                    capped.Add(MeasureEncode(() => codecs.CreateEncoder(5, rate), agentAudio, framesPerRound));
                    uncapped.Add(MeasureEncode(() => codecs.CreateEncoder(5), agentAudio, framesPerRound));
                }

                double c = Median(capped.Select(r => r.Us)), u = Median(uncapped.Select(r => r.Us));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {codecs.Implementation} | {rate / 1000} kHz | {c:F1} µs | {u:F1} µs | {c / u:F2}x | {capped[^1].Bytes:F0} B | {uncapped[^1].Bytes:F0} B |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Speex resampler (quality {Resampler.Quality}), per 20 ms frame:");
        Console.WriteLine("| direction | time per frame | allocated per frame |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var (from, to) in new[] { (48_000, 8_000), (8_000, 48_000), (48_000, 16_000), (16_000, 48_000), (48_000, 24_000), (24_000, 48_000) })
        {
            _ = MeasureResampler(from, to, signal, 200);
            var results = Enumerable.Range(0, rounds).Select(_ => MeasureResampler(from, to, signal, framesPerRound)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {from / 1000} kHz → {to / 1000} kHz | {Median(results.Select(r => r.Us)):F1} µs | {results[^1].Bytes:N0} B |"));
        }
    }

    private static Result Measure(OpusEncoderFactory codecs, int complexity, short[] signal, int frames)
    {
        using var encoder = codecs.CreateEncoder(complexity);
        using var decoder = codecs.CreateDecoder();
        var packets = new byte[frames * OpusCodec.MaxPacketBytes];
        var lengths = new int[frames];
        var pcm = new short[OpusCodec.FrameSamples];
        var available = signal.Length / OpusCodec.FrameSamples;

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < frames; i++)
        {
            lengths[i] = encoder.Encode(signal.AsSpan((i % available) * OpusCodec.FrameSamples, OpusCodec.FrameSamples), packets.AsSpan(i * OpusCodec.MaxPacketBytes, OpusCodec.MaxPacketBytes));
        }

        var middle = Stopwatch.GetTimestamp();
        var encodeBytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        for (var i = 0; i < frames; i++)
        {
            decoder.Decode(packets.AsSpan(i * OpusCodec.MaxPacketBytes, lengths[i]), pcm);
        }

        var end = Stopwatch.GetTimestamp();
        var decodeBytes = GC.GetAllocatedBytesForCurrentThread() - allocated - encodeBytes;
        return new Result(
            Stopwatch.GetElapsedTime(start, middle).TotalMicroseconds / frames,
            Stopwatch.GetElapsedTime(middle, end).TotalMicroseconds / frames,
            encodeBytes / frames,
            decodeBytes / frames);
    }

    private static (double Us, double Bytes) MeasureEncode(Func<OpusFrameEncoder> create, short[] signal, int frames)
    {
        using var encoder = create();
        var packet = new byte[OpusCodec.MaxPacketBytes];
        var available = signal.Length / OpusCodec.FrameSamples;
        long bytes = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < frames; i++)
        {
            bytes += encoder.Encode(signal.AsSpan((i % available) * OpusCodec.FrameSamples, OpusCodec.FrameSamples), packet);
        }

        return (Stopwatch.GetElapsedTime(start).TotalMicroseconds / frames, (double)bytes / frames);
    }

    // What an agent at `rate` sends, as the node has it before encoding: down to the agent's rate and back up.
    private static short[] ThroughRate(short[] signal, int rate)
    {
        using var down = new StreamingResampler(OpusCodec.SampleRate, rate);
        using var up = new StreamingResampler(rate, OpusCodec.SampleRate);
        var low = new short[down.MaxOutputSamples(signal.Length)];
        var n = down.Process(signal, low);
        var back = new short[up.MaxOutputSamples(n)];
        var m = up.Process(low.AsSpan(0, n), back);
        var whole = m / OpusCodec.FrameSamples * OpusCodec.FrameSamples;
        return back[..whole];
    }

    private static (double Us, long Bytes) MeasureResampler(int from, int to, short[] signal, int frames)
    {
        using var resampler = new StreamingResampler(from, to);
        var inLength = from / 50;
        var input = new short[inLength];
        for (var i = 0; i < inLength; i++)
        {
            input[i] = signal[i * 48_000 / from];
        }

        var output = new short[resampler.MaxOutputSamples(inLength)];
        resampler.Process(input, output); // sizes the resampler's own buffers once
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < frames; i++)
        {
            resampler.Process(input, output);
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return (elapsed.TotalMicroseconds / frames, (GC.GetAllocatedBytesForCurrentThread() - allocated) / frames);
    }

    // Two seconds of a voice-like signal: a 140 Hz fundamental with harmonics, syllable-rate amplitude.
    private static short[] Speechlike(int frames)
    {
        var samples = new short[Math.Min(frames, 100) * OpusCodec.FrameSamples];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / OpusCodec.SampleRate;
            var envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 4 * t));
            var value = 0.0;
            for (var h = 1; h <= 8; h++)
            {
                value += Math.Sin(2 * Math.PI * 140 * h * t) / h;
            }

            samples[i] = (short)(6_000 * envelope * value);
        }

        return samples;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private readonly record struct Result(double EncodeUs, double DecodeUs, long EncodeBytes, long DecodeBytes);
}
