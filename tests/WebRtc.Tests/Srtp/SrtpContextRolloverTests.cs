using Serverless.WebRtc.Srtp;
using static Serverless.WebRtc.Tests.Srtp.SrtpTestPackets;

namespace Serverless.WebRtc.Tests.Srtp;

/// <summary>
/// Rollover counter and index estimation (RFC 3711 §3.2.1, §3.3.1, Appendix A). Pins the classic SRTP
/// bugs: a ROC shared between SSRCs, a receiver ROC that never advances, and decrypt failures at the
/// 16-bit sequence wrap.
/// </summary>
public sealed class SrtpContextRolloverTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_AppendixA_IndexEstimation_InOrderAcrossWrap(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0x11223344;
            for (int i = 0; i < 12; i++)
            {
                ushort seq = unchecked((ushort)(65530 + i));
                byte[] plain = RtpPacket(ssrc, seq);
                (SrtpResult result, byte[] decrypted) = UnprotectRtp(receiver, ProtectRtp(sender, plain));
                Assert.Equal(SrtpResult.Ok, result);
                Assert.Equal(plain, decrypted);
            }

            Assert.Equal(1u, sender.GetSendRolloverCounter(ssrc));
            Assert.Equal(1u, receiver.GetReceiveRolloverCounter(ssrc));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_AppendixA_IndexEstimation_ReorderedAroundWrap(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0x0BADCAFE;
            ushort[] sent = [65533, 65534, 65535, 0, 1, 2];
            Dictionary<ushort, (byte[] Plain, byte[] Protected)> packets = [];
            foreach (ushort seq in sent)
            {
                byte[] plain = RtpPacket(ssrc, seq);
                packets[seq] = (plain, ProtectRtp(sender, plain));
            }

            // Post-wrap packets arrive before pre-wrap ones: ROC + 1 then ROC - 1 guesses are both needed.
            ushort[] arrival = [65533, 0, 65535, 1, 65534, 2];
            foreach (ushort seq in arrival)
            {
                (SrtpResult result, byte[] decrypted) = UnprotectRtp(receiver, packets[seq].Protected);
                Assert.Equal(SrtpResult.Ok, result);
                Assert.Equal(packets[seq].Plain, decrypted);
            }

            Assert.Equal(1u, receiver.GetReceiveRolloverCounter(ssrc));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_2_1_RocIsPerSsrc_TwoStreams(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint wrapping = 0xAAAA0001;
            const uint steady = 0xBBBB0002;
            for (int i = 0; i < 10; i++)
            {
                // Interleave: stream A crosses its wrap while stream B sits mid-range.
                byte[] a = RtpPacket(wrapping, unchecked((ushort)(65531 + i)));
                byte[] b = RtpPacket(steady, (ushort)(30000 + i));
                (SrtpResult resultA, byte[] plainA) = UnprotectRtp(receiver, ProtectRtp(sender, a));
                (SrtpResult resultB, byte[] plainB) = UnprotectRtp(receiver, ProtectRtp(sender, b));
                Assert.Equal(SrtpResult.Ok, resultA);
                Assert.Equal(SrtpResult.Ok, resultB);
                Assert.Equal(a, plainA);
                Assert.Equal(b, plainB);
            }

            Assert.Equal(1u, sender.GetSendRolloverCounter(wrapping));
            Assert.Equal(0u, sender.GetSendRolloverCounter(steady));
            Assert.Equal(1u, receiver.GetReceiveRolloverCounter(wrapping));
            Assert.Equal(0u, receiver.GetReceiveRolloverCounter(steady));
        }
    }

    /// <summary>
    /// A long run across several wraps, in order, as a five-minute call would produce (the "ROC never
    /// updates, HMAC fails after minutes" bug): every packet decrypts and the ROC counts the wraps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rfc3711_3_3_1_ReceiverRocFollowsRepeatedWraps(SrtpProtectionProfile profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 42;
            var buffer = new byte[64];
            ushort seq = 60000;
            for (int i = 0; i < 3 * 65536; i += 997)
            {
                // Jumps of 997 stay under 2^15, so index estimation must follow them across three wraps.
                byte[] plain = RtpPacket(ssrc, seq, payloadLength: 20);
                plain.CopyTo(buffer, 0);
                Assert.True(sender.TryProtectRtp(buffer, plain.Length, out int protectedLength));
                Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(buffer, protectedLength, out int plainLength));
                Assert.Equal(plain, buffer[..plainLength]);
                seq = unchecked((ushort)(seq + 997));
            }

            Assert.Equal(3u, receiver.GetReceiveRolloverCounter(ssrc));
            Assert.Equal(sender.GetSendRolloverCounter(ssrc), receiver.GetReceiveRolloverCounter(ssrc));
        }
    }

    [Theory]
    [InlineData(0x0000_0000UL, 5, 5UL)]
    [InlineData(0x0000_FFFEUL, 0x0001, 0x1_0001UL)]
    [InlineData(0x1_0002UL, 0xFFFF, 0xFFFFUL)]
    [InlineData(0x2_8000UL, 0x0000, 0x2_0000UL)]
    [InlineData(0x2_8001UL, 0x0000, 0x3_0000UL)]
    [InlineData(0x2_7FFFUL, 0xFFFF, 0x2_FFFFUL)]
    [InlineData(0x2_0000UL, 0x8001, 0x1_8001UL)]
    public void Rfc3711_AppendixA_IndexEstimationPicksClosestRoc(ulong highest, int seq, ulong expected)
    {
        Assert.True(SrtpIndexEstimator.TryEstimate(highest, (ushort)seq, out ulong index));
        Assert.Equal(expected, index);
    }

    [Fact]
    public void Rfc3711_AppendixA_IndexBeforeStreamStartIsRejected()
    {
        // ROC 0 and a SEQ far behind s_l would need ROC = -1.
        Assert.False(SrtpIndexEstimator.TryEstimate(0x0010, 0xFFF0, out _));
    }

    [Fact]
    public void Rfc3711_3_3_1_IndexSpaceOf2Pow48IsNotExceeded()
    {
        // ROC = 2^32 - 1 and a wrap would need ROC = 2^32: the sender must re-key instead (RFC 3711 §9.2).
        Assert.False(SrtpIndexEstimator.TryEstimate(SrtpIndexEstimator.MaxIndex, 0x0000, out _));
        Assert.True(SrtpIndexEstimator.TryEstimate(SrtpIndexEstimator.MaxIndex - 5, 0xFFFF, out ulong last));
        Assert.Equal(SrtpIndexEstimator.MaxIndex, last);
    }
}
