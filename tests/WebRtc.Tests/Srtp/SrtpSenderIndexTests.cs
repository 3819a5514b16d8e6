using CsCheck;
using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// The sender's packet index (RFC 3711 §3.3.1: ROC counts every wrap of SEQ) never repeats, whatever the
/// sequence numbers handed to it do: a reused index reuses keystream (§9.1), which leaks the XOR of two
/// payloads. A bridge forwarding another leg's numbers, or a jump of more than 2^15, must move forward.
/// </summary>
public sealed class SrtpSenderIndexTests
{
    /// <summary>(SEQ handed to the sender, index expected, or null when the sender must refuse it).</summary>
    public static TheoryData<ushort[], ulong?[]> Jumps() => new()
    {
        {
            [100, 101, 40000, 40001, 7, 8, 8, 40000, 100, 99],
            [
                100, 101,
                40000, // +39899 > 2^15: the estimator's "older" guess (ROC - 1) does not exist; forward
                40001,
                0x1_0007, 0x1_0008, // +25542 across the wrap: ROC 1
                null, // a duplicate SEQ would reuse index 0x1_0008
                0x1_9C40, // +39992: the estimator guesses ROC 0, i.e. index 40000 again (used above); forward to ROC 1
                0x2_0064, // across the next wrap: ROC 2
                0x2_0063, // reordered by one, inside the 128-wide window and unused: keeps its own index
            ]
        },
        {
            // 2^15 + 1 forward from 0, then back to 0: the second 0 is the next wrap, not index 0 again.
            [0, 32769, 0, 32769],
            [0, 32769, 0x1_0000, 0x1_8001]
        },
    };

    [Theory]
    [MemberData(nameof(Jumps))]
    public void Rfc3711_3_3_1_SenderIndexMovesForwardOnJumps(ushort[] sequence, ulong?[] expected)
    {
        ReplayWindow? used = null;
        for (int i = 0; i < sequence.Length; i++)
        {
            ulong? index;
            if (used is null)
            {
                used = ReplayWindow.StartingAt(sequence[i]);
                index = sequence[i];
            }
            else
            {
                index = SrtpContext.TryNextSendIndex(used, sequence[i], out ulong next) ? next : null;
                if (index is { } accepted)
                {
                    used.Accept(accepted);
                }
            }

            Assert.True(expected[i] == index, $"packet {i} (SEQ {sequence[i]}): expected index {expected[i]:X}, got {index:X}");
        }
    }

    /// <summary>
    /// Through the public API: all-zero payloads make the ciphertext the keystream itself, so two packets
    /// protected under one index would produce equal bytes. Every accepted packet's must differ.
    /// </summary>
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_9_1_JumpingSequenceNumbersNeverReuseKeystream(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, _) = Pair(profile);
        using (sender)
        {
            const uint ssrc = 0x0F0F0F0F;
            ushort[] sequence = [100, 101, 40000, 40001, 7, 8, 8, 40000, 100, 99, 33000, 100, 65535, 0];
            var keystreams = new HashSet<string>();
            uint lastRoc = 0;
            int accepted = 0;
            foreach (ushort seq in sequence)
            {
                byte[] plain = ZeroPayloadPacket(ssrc, seq);
                var buffer = new byte[plain.Length + 64];
                plain.CopyTo(buffer, 0);
                if (!sender.TryProtectRtp(buffer, plain.Length, out int protectedLength))
                {
                    continue;
                }

                accepted++;
                Assert.True(keystreams.Add(Convert.ToHexString(buffer, 12, protectedLength - 12)), $"SEQ {seq} reused a keystream");
                uint roc = sender.GetSendRolloverCounter(ssrc)!.Value;
                Assert.True(roc >= lastRoc, "the sender's ROC went backwards");
                lastRoc = roc;
            }

            Assert.Equal(sequence.Length - 1, accepted); // only the duplicate 8 was refused
            // 65535 and 0 after ROC 3's SEQ 100 read as reordered packets just behind it (indices 2:65535
            // and 3:0, unused, inside the window), so the ROC stays 3.
            Assert.Equal(3u, lastRoc);
        }
    }

    /// <summary>Random walks with arbitrary jumps: no two accepted packets ever share a keystream.</summary>
    [Fact]
    public void Rfc3711_9_1_RandomJumpsNeverReuseKeystream()
    {
        Gen.Int[0, 65535].Array[2, 200].Sample(sequence =>
        {
            (SrtpContext sender, _) = Pair(SrtpProtectionProfile.AeadAes128Gcm);
            using (sender)
            {
                var keystreams = new HashSet<string>();
                var buffer = new byte[64];
                foreach (int seq in sequence)
                {
                    byte[] plain = ZeroPayloadPacket(7, (ushort)seq);
                    plain.CopyTo(buffer, 0);
                    if (sender.TryProtectRtp(buffer, plain.Length, out int protectedLength))
                    {
                        Assert.True(keystreams.Add(Convert.ToHexString(buffer, 12, protectedLength - 12)));
                    }
                }
            }
        }, iter: 200);
    }

    private static byte[] ZeroPayloadPacket(uint ssrc, ushort seq)
    {
        byte[] packet = RtpPacket(ssrc, seq, payloadLength: 16);
        packet.AsSpan(12).Clear();
        return packet;
    }
}
