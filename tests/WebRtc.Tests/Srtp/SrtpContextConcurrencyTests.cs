using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>One context shared by several threads (the sipsorcery "context needed locking" bug).</summary>
public sealed class SrtpContextConcurrencyTests
{
    private const int Threads = 4;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void ThreadsWithDistinctSsrcsShareOneContextPair(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const int packetsPerThread = 300;
            int failures = 0;
            using var start = new Barrier(Threads);
            Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                uint ssrc = 0x1000u + (uint)t;
                var buffer = new byte[256];
                start.SignalAndWait();
                for (int i = 0; i < packetsPerThread; i++)
                {
                    // Start near the wrap so every stream rolls over while the others run.
                    byte[] plain = RtpPacket(ssrc, unchecked((ushort)(65400 + i)));
                    plain.CopyTo(buffer, 0);
                    bool ok = sender.TryProtectRtp(buffer, plain.Length, out int protectedLength)
                        && receiver.UnprotectRtp(buffer, protectedLength, out int plainLength) == SrtpResult.Ok
                        && buffer.AsSpan(0, plainLength).SequenceEqual(plain);

                    byte[] rtcp = RtcpPacket(ssrc, (byte)i);
                    rtcp.CopyTo(buffer, 0);
                    ok &= sender.TryProtectRtcp(buffer, rtcp.Length, out protectedLength)
                        && receiver.UnprotectRtcp(buffer, protectedLength, out plainLength) == SrtpResult.Ok
                        && buffer.AsSpan(0, plainLength).SequenceEqual(rtcp);
                    if (!ok)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })).ToArray();

            RunAll(threads);
            Assert.Equal(0, failures);
            for (uint t = 0; t < Threads; t++)
            {
                Assert.Equal(1u, receiver.GetReceiveRolloverCounter(0x1000u + t));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void ThreadsOnTheSameSsrcEachPacketAcceptedExactlyOnce(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0x5A5A;
            const int packetsPerThread = 30; // 120 packets in all: the spread stays inside the 128-wide window.

            // Threads protect interleaved sequence numbers concurrently.
            var protectedPackets = new byte[Threads * packetsPerThread][];
            using (var start = new Barrier(Threads))
            {
                RunAll(Enumerable.Range(0, Threads).Select(t => new Thread(() =>
                {
                    start.SignalAndWait();
                    for (int i = 0; i < packetsPerThread; i++)
                    {
                        int n = (i * Threads) + t;
                        protectedPackets[n] = ProtectRtp(sender, RtpPacket(ssrc, unchecked((ushort)(65500 + n))));
                    }
                })).ToArray());
            }

            // Every packet is delivered twice, by different threads: exactly one delivery may succeed.
            int ok = 0;
            int replays = 0;
            int other = 0;
            using (var start = new Barrier(Threads))
            {
                RunAll(Enumerable.Range(0, Threads).Select(t => new Thread(() =>
                {
                    start.SignalAndWait();
                    for (int k = 0; k < 2 * packetsPerThread; k++)
                    {
                        // The second pass shifts by one, so each packet's second delivery comes from another thread.
                        int n = ((k * Threads) + t + (k >= packetsPerThread ? 1 : 0)) % protectedPackets.Length;
                        (SrtpResult result, byte[] plain) = UnprotectRtp(receiver, protectedPackets[n]);
                        if (result == SrtpResult.Ok && plain.AsSpan().SequenceEqual(RtpPacket(ssrc, unchecked((ushort)(65500 + n)))))
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else if (result == SrtpResult.ReplayDetected)
                        {
                            Interlocked.Increment(ref replays);
                        }
                        else
                        {
                            Interlocked.Increment(ref other);
                        }
                    }
                })).ToArray());
            }

            Assert.Equal(0, other);
            Assert.Equal(protectedPackets.Length, ok);
            Assert.Equal(protectedPackets.Length, replays);
            Assert.Equal(1u, receiver.GetReceiveRolloverCounter(ssrc));
        }
    }

    private static void RunAll(Thread[] threads)
    {
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "worker thread hung");
        }
    }
}
