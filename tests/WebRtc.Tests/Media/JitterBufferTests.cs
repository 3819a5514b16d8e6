using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class JitterBufferTests
{
    private const uint Base = 4_294_960_000; // wraps after a few frames

    [Fact]
    public void Waits_for_the_target_delay_then_plays_in_timestamp_order()
    {
        var buffer = new JitterBuffer(); // 60 ms = 3 frames
        Insert(buffer, 1);
        Insert(buffer, 0);
        Assert.Equal(JitterFrameKind.None, buffer.Read().Kind); // 2 frames buffered
        Insert(buffer, 3);
        Insert(buffer, 2);

        for (var frame = 0; frame < 4; frame++)
        {
            var read = buffer.Read();
            Assert.Equal(JitterFrameKind.Packet, read.Kind);
            Assert.Equal(unchecked(Base + (uint)(frame * 960)), read.Timestamp);
            Assert.Equal(frame, read.Payload[0]);
        }

        Assert.Equal(JitterFrameKind.None, buffer.Read().Kind); // ran dry
    }

    [Fact]
    public void A_missing_frame_is_reported_with_the_next_packet_for_FEC_or_without_it_for_PLC()
    {
        var buffer = new JitterBuffer();
        foreach (var frame in new[] { 0, 2, 5, 6 })
        {
            Insert(buffer, frame);
        }

        Assert.Equal(JitterFrameKind.Packet, buffer.Read().Kind);
        var fec = buffer.Read(); // frame 1: frame 2 is here
        Assert.Equal(JitterFrameKind.Missing, fec.Kind);
        Assert.Equal(2, fec.Next[0]);
        Assert.Equal(JitterFrameKind.Packet, buffer.Read().Kind);
        var plc = buffer.Read(); // frame 3: frame 4 is missing too
        Assert.Equal(JitterFrameKind.Missing, plc.Kind);
        Assert.True(plc.Next.IsEmpty);
        var fec2 = buffer.Read(); // frame 4
        Assert.Equal(JitterFrameKind.Missing, fec2.Kind);
        Assert.Equal(5, fec2.Next[0]);
    }

    [Fact]
    public void Duplicates_and_packets_for_played_slots_are_dropped()
    {
        var buffer = new JitterBuffer();
        for (var frame = 0; frame < 3; frame++)
        {
            Insert(buffer, frame);
        }

        Assert.Equal(JitterBufferInsertResult.Duplicate, buffer.Insert(Ts(1), [9]));
        Assert.Equal(0, buffer.Read().Payload[0]);
        Assert.Equal(1, buffer.Read().Payload[0]); // the duplicate did not overwrite the original
        Assert.Equal(JitterBufferInsertResult.TooLate, buffer.Insert(Ts(0), [0]));
        Assert.Equal(1, buffer.Duplicates);
        Assert.Equal(1, buffer.TooLate);
    }

    [Fact]
    public void Memory_is_bounded_a_far_jump_restarts_buffering_instead_of_growing()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { TargetDelay = TimeSpan.FromMilliseconds(60), MaxDelay = TimeSpan.FromMilliseconds(200) });
        var capacity = buffer.Capacity;
        for (var frame = 0; frame < 5; frame++)
        {
            Insert(buffer, frame);
        }

        Insert(buffer, 1000); // 20 s ahead: beyond the window
        Assert.Equal(5, buffer.Overflowed);
        Assert.Equal(12, capacity); // 200 ms / 20 ms + 2
        Assert.Equal(JitterFrameKind.None, buffer.Read().Kind); // buffering afresh
        Insert(buffer, 1001);
        Insert(buffer, 1002);
        var read = buffer.Read();
        Assert.Equal(JitterFrameKind.Packet, read.Kind);
        Assert.Equal(Ts(1000), read.Timestamp);
    }

    [Fact]
    public void A_jump_of_half_the_timestamp_space_drops_the_window_and_plays_on_from_the_new_packet()
    {
        var buffer = new JitterBuffer();
        for (var frame = 0; frame < 3; frame++)
        {
            Insert(buffer, frame);
        }

        var far = unchecked(Ts(2) + (uint)int.MaxValue); // the farthest forward jump the unwrapper accepts
        Assert.Equal(JitterBufferInsertResult.Stored, buffer.Insert(far, [7]));
        Assert.Equal(3, buffer.Overflowed);
        buffer.Insert(unchecked(far + 960), [8]);
        buffer.Insert(unchecked(far + 1920), [9]);
        var read = buffer.Read();
        Assert.Equal(JitterFrameKind.Packet, read.Kind);
        Assert.Equal(7, read.Payload[0]);
    }

    [Fact]
    public void Repeated_late_arrivals_grow_the_delay_by_stretching_up_to_the_maximum()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { TargetDelay = TimeSpan.FromMilliseconds(40), MaxDelay = TimeSpan.FromMilliseconds(80) });
        var frame = 0;
        Insert(buffer, frame++);
        Insert(buffer, frame++);
        for (var round = 0; round < 30; round++)
        {
            buffer.Read();
            buffer.Insert(Ts(frame - 3), [1]); // a packet that always arrives after its slot was played
            Insert(buffer, frame++);
        }

        Assert.Equal(4, buffer.DelayFrames); // 80 ms, never more
        Assert.Equal(2, buffer.Stretches);
        Assert.True(buffer.TooLate >= 6);
    }

    private static uint Ts(int frame) => unchecked(Base + (uint)(frame * 960));

    private static void Insert(JitterBuffer buffer, int frame) =>
        Assert.Equal(JitterBufferInsertResult.Stored, buffer.Insert(Ts(frame), [(byte)frame]));
}
