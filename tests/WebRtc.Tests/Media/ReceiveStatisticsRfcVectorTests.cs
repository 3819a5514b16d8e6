using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>RFC 3550 Appendix A.1 / A.3 / A.8 against values computed by hand for scripted arrivals.</summary>
public sealed class ReceiveStatisticsRfcVectorTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Appendix_A_8_jitter_and_A_3_loss_for_a_scripted_arrival_sequence()
    {
        // 8 kHz clock: 1 ms = 8 timestamp units; one packet per 20 ms (160 units).
        var stats = new ReceiveStatistics(8000);
        Assert.Equal(ReceivedPacketOrder.InOrder, stats.OnPacket(0, 0, Ms(0), 10));    // transit 0
        Assert.Equal(ReceivedPacketOrder.InOrder, stats.OnPacket(1, 160, Ms(20), 10)); // transit 0,   D 0   -> J 0
        Assert.Equal(0.0, stats.Jitter);
        stats.OnPacket(2, 320, Ms(50), 10);                                             // transit 80,  D 80  -> J 5
        Assert.Equal(5.0, stats.Jitter, 9);
        stats.OnPacket(4, 640, Ms(80), 10);                                             // transit 0,   D 80  -> J 9.6875
        Assert.Equal(9.6875, stats.Jitter, 9);
        Assert.Equal(ReceivedPacketOrder.Reordered, stats.OnPacket(3, 480, Ms(85), 10)); // transit 200, D 200 -> J 21.58203125
        Assert.Equal(21.58203125, stats.Jitter, 9);
        stats.OnPacket(5, 800, Ms(100), 10);                                            // transit 0,   D 200 -> J 32.733154296875
        Assert.Equal(32.733154296875, stats.Jitter, 9);
        Assert.Equal(ReceivedPacketOrder.Duplicate, stats.OnPacket(5, 800, Ms(101), 10)); // no jitter update for a copy
        stats.OnPacket(7, 1120, Ms(140), 10);                                           // transit 0,   D 0   -> J 30.687332153320312
        Assert.Equal(30.687332153320312, stats.Jitter, 9);
        Assert.Equal(30.687332153320312 / 8, stats.JitterMilliseconds, 9);

        // A.3: expected = 7 - 0 + 1 = 8; received counts every packet, the duplicate too (8), so the
        // cumulative loss is 0 although sequence 6 never came: exactly the RFC's arithmetic.
        Assert.Equal(7, stats.ExtendedHighestSequence);
        Assert.Equal(8, stats.PacketsExpected);
        Assert.Equal(8, stats.PacketsReceived);
        Assert.Equal(0, stats.CumulativeLost);
        Assert.Equal(1, stats.Duplicates);
        Assert.Equal(1, stats.Reordered);
        var first = stats.CreateReportBlock(0xCAFE, 0, 0);
        Assert.Equal(0, first.FractionLost);
        Assert.Equal(7u, first.ExtendedHighestSequence);
        Assert.Equal(30u, first.Jitter); // truncated to an integer in the report block

        // Next interval: 8, 9 and 11 arrive, 10 is lost: expected 4, received 3 -> fraction (1 << 8) / 4 = 64.
        stats.OnPacket(8, 1280, Ms(160), 10);
        stats.OnPacket(9, 1440, Ms(180), 10);
        stats.OnPacket(11, 1760, Ms(220), 10);
        var second = stats.CreateReportBlock(0xCAFE, 0x1234_5678, 0x10);
        Assert.Equal(64, second.FractionLost);
        Assert.Equal(1, second.CumulativeLost);
        Assert.Equal(11u, second.ExtendedHighestSequence);
        Assert.Equal(0x1234_5678u, second.LastSenderReport);
        Assert.Equal(0x10u, second.DelaySinceLastSenderReport);
        Assert.Equal(110, stats.PayloadBytesReceived);
    }

    [Fact]
    public void Appendix_A_1_extended_highest_sequence_counts_cycles_across_the_wrap()
    {
        var stats = new ReceiveStatistics();
        foreach (var seq in new ushort[] { 65534, 65535, 1, 0, 2 })
        {
            stats.OnPacket(seq, 0, TimeSpan.Zero, 1);
        }

        Assert.Equal(65536 + 2, stats.ExtendedHighestSequence);
        Assert.Equal(5, stats.PacketsExpected);
        Assert.Equal(0, stats.CumulativeLost);
        Assert.Equal(1, stats.Reordered); // 0 after 1
        Assert.Equal(0, stats.Duplicates);
    }

    [Fact]
    public void Appendix_A_1_a_jump_beyond_MAX_DROPOUT_is_held_back_until_the_next_packet_confirms_a_restart()
    {
        var stats = new ReceiveStatistics();
        stats.OnPacket(100, 0, TimeSpan.Zero, 1);
        stats.OnPacket(101, 0, TimeSpan.Zero, 1);

        Assert.Equal(ReceivedPacketOrder.Discarded, stats.OnPacket(20_000, 0, TimeSpan.Zero, 1));
        Assert.Equal(101, stats.ExtendedHighestSequence);
        Assert.Equal(ReceivedPacketOrder.InOrder, stats.OnPacket(20_001, 0, TimeSpan.Zero, 1));

        Assert.Equal(20_001, stats.ExtendedHighestSequence);
        Assert.Equal(1, stats.PacketsExpected);
        Assert.Equal(1, stats.PacketsReceived);
        Assert.Equal(1, stats.Discarded);
    }

    [Fact]
    public void Appendix_A_3_fraction_lost_is_zero_when_duplicates_outnumber_losses()
    {
        var stats = new ReceiveStatistics();
        stats.OnPacket(1, 0, TimeSpan.Zero, 1);
        stats.OnPacket(1, 0, TimeSpan.Zero, 1);
        stats.OnPacket(1, 0, TimeSpan.Zero, 1);
        stats.OnPacket(3, 0, TimeSpan.Zero, 1);

        var block = stats.CreateReportBlock(1, 0, 0);

        Assert.Equal(0, block.FractionLost); // lost_interval <= 0 -> 0
        Assert.Equal(-1, block.CumulativeLost); // expected 3, received 4
    }
}
