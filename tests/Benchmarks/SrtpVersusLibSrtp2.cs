using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Serverless.WebRtc.Srtp;
using Serverless.WebRtc.Testing;

namespace Serverless.Benchmarks;

/// <summary>
/// Our SRTP against libsrtp2 (Debian's libsrtp2-1, called in process) in one run, interleaved round by round,
/// on the 172-byte packet of the reference baseline: a ring of 4,096 packets with fresh sequence numbers is
/// protected (timed), then unprotected (timed). Reports the median per packet of each side and the ratio.
/// </summary>
internal static class SrtpVersusLibSrtp2
{
    private const int PacketLength = 172;
    private const int Slot = PacketLength + LibSrtp2Session.MaxTrailer; // the room libsrtp assumes it may write
    private const int Ring = 4096;
    private const uint Ssrc = 0x12345678;

    public static void Run(int packetsPerRound, int rounds)
    {
        if (!LibSrtp2Session.IsAvailable)
        {
            throw new InvalidOperationException("libsrtp2.so.1 is missing: apt-get install libsrtp2-1");
        }

        Console.WriteLine($"SRTP vs libsrtp2, {packetsPerRound:N0} packets x {rounds} rounds per side, interleaved; " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("| profile | ours protect | libsrtp2 protect | ratio | ours unprotect | libsrtp2 unprotect | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var profile in new[]
        {
            SrtpProtectionProfile.Aes128CmHmacSha1Tag80,
            SrtpProtectionProfile.Aes128CmHmacSha1Tag32,
            SrtpProtectionProfile.AeadAes128Gcm,
            SrtpProtectionProfile.AeadAes256Gcm,
        })
        {
            var ours = new List<(double Protect, double Unprotect)>();
            var theirs = new List<(double Protect, double Unprotect)>();
            byte[] key = Enumerable.Range(1, profile.GetKeyLength()).Select(i => (byte)i).ToArray();
            byte[] salt = Enumerable.Range(100, profile.GetSaltLength()).Select(i => (byte)i).ToArray();
            _ = MeasureOurs(profile, key, salt, Ring); // warm-up (JIT, AES-NI paths) for both sides
            _ = MeasureTheirs(profile, key, salt, Ring);
            for (int round = 0; round < rounds; round++)
            {
                ours.Add(MeasureOurs(profile, key, salt, packetsPerRound));
                theirs.Add(MeasureTheirs(profile, key, salt, packetsPerRound));
            }

            double op = Median(ours.Select(r => r.Protect)), tp = Median(theirs.Select(r => r.Protect));
            double ou = Median(ours.Select(r => r.Unprotect)), tu = Median(theirs.Select(r => r.Unprotect));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {profile} | {op:F0} ns | {tp:F0} ns | {op / tp:F2}x | {ou:F0} ns | {tu:F0} ns | {ou / tu:F2}x |"));
        }
    }

    /// <summary>Protects and unprotects a packet in place; returns the new length (unprotect: the plain length, or ≤ 0).</summary>
    private delegate int PacketStep(Span<byte> packet, int length);

    private static (double, double) MeasureOurs(SrtpProtectionProfile profile, byte[] key, byte[] salt, int packets)
    {
        using var sender = new SrtpContext(profile, key, salt);
        using var receiver = new SrtpContext(profile, key, salt);
        return Measure(
            packets,
            (p, length) => sender.TryProtectRtp(p, length, out var protectedLength) ? protectedLength : 0,
            (p, length) => receiver.UnprotectRtp(p, length, out var plain) == SrtpResult.Ok ? plain : 0);
    }

    private static (double, double) MeasureTheirs(SrtpProtectionProfile profile, byte[] key, byte[] salt, int packets)
    {
        using var sender = LibSrtp2Session.Create(profile, key, salt, outbound: true);
        using var receiver = LibSrtp2Session.Create(profile, key, salt, outbound: false);
        return Measure(packets, sender.ProtectRtp, receiver.UnprotectRtp);
    }

    /// <summary>The same loop for both sides (each pays one delegate call per packet): a ring of fresh packets
    /// protected (timed), then unprotected (timed), until <paramref name="packets"/> have gone through.</summary>
    private static (double, double) Measure(int packets, PacketStep protect, PacketStep unprotect)
    {
        var ring = new byte[Ring * Slot];
        var lengths = new int[Ring];
        long protectTicks = 0, unprotectTicks = 0;
        ushort sequence = 0;
        for (int done = 0; done < packets; done += Ring)
        {
            int batch = Math.Min(Ring, packets - done);
            Fill(ring, batch, ref sequence);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                lengths[i] = protect(ring.AsSpan(i * Slot, Slot), PacketLength);
            }

            long middle = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                if (unprotect(ring.AsSpan(i * Slot, Slot), lengths[i]) != PacketLength)
                {
                    throw new InvalidOperationException("a packet did not round-trip");
                }
            }

            unprotectTicks += Stopwatch.GetTimestamp() - middle;
            protectTicks += middle - start;
        }

        return (NanosecondsPer(protectTicks, packets), NanosecondsPer(unprotectTicks, packets));
    }

    private static void Fill(byte[] ring, int count, ref ushort sequence)
    {
        for (int i = 0; i < count; i++)
        {
            Span<byte> packet = ring.AsSpan(i * Slot, PacketLength);
            packet[0] = 0x80;
            packet[1] = 111;
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);
            BinaryPrimitives.WriteUInt32BigEndian(packet[4..], sequence * 960u);
            BinaryPrimitives.WriteUInt32BigEndian(packet[8..], Ssrc);
            packet[12..].Fill((byte)sequence);
            sequence++;
        }
    }

    private static double NanosecondsPer(long ticks, int packets) => ticks * 1e9 / Stopwatch.Frequency / packets;

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
