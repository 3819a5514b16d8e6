using System.Buffers.Binary;
using CsCheck;
using Serverless.WebRtc.Srtp;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>Property tests: round trips for arbitrary RTP shapes, and no crash or false accept on junk.</summary>
public sealed class SrtpPropertyTests
{
    /// <summary>RTP packets with random CSRC count, optional extension, marker/PT, SEQ, SSRC and payload.</summary>
    private static readonly Gen<byte[]> RtpPacket =
        Gen.Select(Gen.Int[0, 15], Gen.Bool, Gen.Int[0, 6], Gen.Int[0, 65535], Gen.UInt, Gen.Byte.Array[0, 300], Gen.Byte)
            .Select(t => BuildRtp(t.Item1, t.Item2, t.Item3, (ushort)t.Item4, t.Item5, t.Item6, t.Item7));

    private static readonly Gen<byte[]> RtcpPacket =
        Gen.Select(Gen.UInt, Gen.Int[0, 60], Gen.Byte).Select((ssrc, words, fill) => BuildRtcp(ssrc, words, fill));

    [Theory]
    [MemberData(nameof(SrtpTestPackets.Profiles), MemberType = typeof(SrtpTestPackets))]
    public void UnprotectOfProtectIsIdentity_RtpPacket(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            RtpPacket.Sample(plain =>
            {
                // A fresh SSRC per sample keeps replay and index state independent between samples.
                BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(8), NextSsrc());
                byte[] buffer = new byte[plain.Length + 16];
                plain.CopyTo(buffer, 0);
                Assert.True(sender.TryProtectRtp(buffer, plain.Length, out int protectedLength));
                Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(buffer, protectedLength, out int plainLength));
                Assert.Equal(plain, buffer[..plainLength]);
            });
        }
    }

    [Theory]
    [MemberData(nameof(SrtpTestPackets.Profiles), MemberType = typeof(SrtpTestPackets))]
    public void UnprotectOfProtectIsIdentity_Rtcp(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            RtcpPacket.Sample(plain =>
            {
                byte[] buffer = new byte[plain.Length + 20];
                plain.CopyTo(buffer, 0);
                Assert.True(sender.TryProtectRtcp(buffer, plain.Length, out int protectedLength));
                Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(buffer, protectedLength, out int plainLength));
                Assert.Equal(plain, buffer[..plainLength]);
            });
        }
    }

    [Theory]
    [MemberData(nameof(SrtpTestPackets.Profiles), MemberType = typeof(SrtpTestPackets))]
    public void ArbitraryBytesNeverThrowAndNeverAuthenticate(SrtpProtectionProfile profile)
    {
        (_, SrtpContext receiver) = SrtpTestPackets.Pair(profile);
        using (receiver)
        {
            Gen.Byte.Array[0, 400].Sample(junk =>
            {
                // Half the samples look like RTP/RTCP version 2, so they reach the crypto.
                if (junk.Length > 0 && (junk[0] & 1) == 0)
                {
                    junk[0] = (byte)(0x80 | (junk[0] & 0x3F));
                }

                byte[] copy = (byte[])junk.Clone();
                Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtp(junk, junk.Length, out _));
                Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtcp(copy, copy.Length, out _));
            });
        }
    }

    [Theory]
    [MemberData(nameof(SrtpTestPackets.Profiles), MemberType = typeof(SrtpTestPackets))]
    public void AnySingleBitFlipIsRejected(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] srtp = SrtpTestPackets.ProtectRtp(sender, SrtpTestPackets.RtpPacket(0x77, 1234, payloadLength: 40));
            Gen.Int[0, (srtp.Length * 8) - 1].Sample(bit =>
            {
                byte[] tampered = (byte[])srtp.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtp(tampered, tampered.Length, out _));
            });

            // The untouched packet still verifies: no failed attempt consumed its index.
            Assert.Equal(SrtpResult.Ok, SrtpTestPackets.UnprotectRtp(receiver, srtp).Result);
        }
    }

    private static uint _ssrc;

    private static uint NextSsrc() => Interlocked.Increment(ref _ssrc);

    private static byte[] BuildRtp(int csrcCount, bool extension, int extensionWords, ushort seq, uint ssrc, byte[] payload, byte markerAndType)
    {
        int headerLength = 12 + (4 * csrcCount) + (extension ? 4 + (4 * extensionWords) : 0);
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x80 | (extension ? 0x10 : 0) | csrcCount);
        packet[1] = markerAndType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), seq * 160u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (int i = 0; i < csrcCount; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12 + (4 * i)), ssrc + (uint)i + 1);
        }

        if (extension)
        {
            int at = 12 + (4 * csrcCount);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at + 2), (ushort)extensionWords);
            packet.AsSpan(at + 4, 4 * extensionWords).Fill((byte)extensionWords);
        }

        payload.CopyTo(packet, headerLength);
        return packet;
    }

    private static byte[] BuildRtcp(uint ssrc, int extraWords, byte fill)
    {
        var packet = new byte[8 + (4 * extraWords)];
        packet[0] = 0x80;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(1 + extraWords));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        packet.AsSpan(8).Fill(fill);
        return packet;
    }
}
