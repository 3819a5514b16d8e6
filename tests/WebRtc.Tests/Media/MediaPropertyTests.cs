using CsCheck;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class MediaPropertyTests
{
    /// <summary>Any arrival order that stays within the reorder window plays out complete and in order.</summary>
    [Fact]
    public void Jitter_buffer_restores_order_for_any_shuffle_within_its_window()
    {
        Gen.Select(Gen.UInt, Gen.Int[3, 200], Gen.Int.Array[200]).Sample((start, count, keys) =>
        {
            // Packet i is sent at tick i and arrives at tick i + (0..2): reordering within 60 ms. Each tick
            // delivers its arrivals (in a random order), then plays one 20 ms slot.
            var arrivalTick = Enumerable.Range(0, count).Select(i => i + Math.Abs(keys[i] % 3)).ToArray();
            var buffer = new JitterBuffer(new JitterBufferOptions { TargetDelay = TimeSpan.FromMilliseconds(60) });
            var played = new List<int>();
            for (var tick = 0; tick < count + 6; tick++)
            {
                foreach (var i in Enumerable.Range(0, count).Where(i => arrivalTick[i] == tick).OrderBy(i => keys[i]))
                {
                    Assert.Equal(JitterBufferInsertResult.Stored, buffer.Insert(unchecked(start + (uint)(i * 960)), [(byte)i]));
                }

                var frame = buffer.Read();
                Assert.NotEqual(JitterFrameKind.Missing, frame.Kind);
                if (frame.Kind == JitterFrameKind.Packet)
                {
                    Assert.Equal(unchecked(start + (uint)(played.Count * 960)), frame.Timestamp);
                    played.Add(frame.Payload[0]);
                }
            }

            Assert.Equal(Enumerable.Range(0, count).Select(i => (int)(byte)i), played);
        });
    }

    /// <summary>RFC 3550 A.1/A.3: reordering alone never reads as loss, wherever the sequence starts.</summary>
    [Fact]
    public void Statistics_count_no_loss_for_a_reordered_complete_sequence_across_any_wrap()
    {
        Gen.Select(Gen.UShort, Gen.Int[1, 300], Gen.Int.Array[300]).Sample((start, count, keys) =>
        {
            var order = Enumerable.Range(0, count).OrderBy(i => i + (Math.Abs(keys[i] % 5))).ToList();
            var stats = new ReceiveStatistics();
            foreach (var i in order)
            {
                stats.OnPacket(unchecked((ushort)(start + i)), (uint)(i * 960), TimeSpan.FromMilliseconds(20 * i), 1);
            }

            // A.1 starts counting at the first arrival; packets sent before it still count as received, so
            // the cumulative loss comes out as minus their number (A.3 arithmetic, no real loss).
            var first = order[0];
            var maxSoFar = -1;
            var reordered = 0;
            foreach (var i in order)
            {
                reordered += i < maxSoFar ? 1 : 0;
                maxSoFar = Math.Max(maxSoFar, i);
            }

            Assert.Equal(count, stats.PacketsReceived);
            Assert.Equal(count - first, stats.PacketsExpected);
            Assert.Equal(-first, stats.CumulativeLost);
            Assert.Equal((ushort)(start + first) + (long)(count - 1 - first), stats.ExtendedHighestSequence);
            Assert.Equal(reordered, stats.Reordered);
            Assert.Equal(0, stats.Duplicates);
        });
    }
}
