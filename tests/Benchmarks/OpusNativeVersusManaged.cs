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
