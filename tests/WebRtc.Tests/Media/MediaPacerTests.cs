using Microsoft.Extensions.Time.Testing;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class MediaPacerTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Slot = TimeSpan.FromMilliseconds(2); // 10 slots per tick by default

    [Fact]
    public void Each_tick_drives_exactly_one_frame_per_registered_stream()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time);
        var captures = new PacketCapture[5];
        var sources = new EncodedFrameQueue[5];
        for (var i = 0; i < captures.Length; i++)
        {
            captures[i] = new PacketCapture();
            sources[i] = new EncodedFrameQueue();
            var stream = new AudioSendStream(
                new AudioSendStreamOptions { Ssrc = (uint)(1000 + i), InitialSequenceNumber = 65530, InitialTimestamp = uint.MaxValue - 1000 },
                sources[i],
                MediaTestKit.Codecs.SilenceFrame,
                captures[i].Sink,
                time);
            pacer.Register(stream);
        }

        // Stream 0 gets real frames; the others have nothing and must send silence.
        var frames = MediaTestKit.EncodeTone(440, 10);
        foreach (var frame in frames)
        {
            sources[0].Enqueue(frame);
        }

        Assert.Equal(0, pacer.RunDueTicks()); // nothing due at t = 0
        for (var tick = 1; tick <= 10; tick++)
        {
            time.Advance(Tick);
            Assert.Equal(1, pacer.RunDueTicks());
            Assert.All(captures, c => Assert.Equal(tick, c.Packets.Count));
        }

        Assert.Equal(10, pacer.TicksRun);
        for (var i = 0; i < captures.Length; i++)
        {
            var packets = captures[i].Packets.Select(MediaTestKit.Parse).ToList();
            Assert.All(packets, p => Assert.Equal((uint)(1000 + i), p.Ssrc));
            for (var k = 1; k < packets.Count; k++)
            {
                Assert.Equal(unchecked((ushort)(packets[k - 1].SequenceNumber + 1)), packets[k].SequenceNumber); // wraps at 65535
                Assert.Equal(unchecked(packets[k - 1].Timestamp + 960u), packets[k].Timestamp); // wraps at 2^32
            }

            if (i == 0)
            {
                Assert.Equal(frames, packets.Select(p => p.Payload));
            }
            else
            {
                Assert.All(packets, p => Assert.Equal(MediaTestKit.Codecs.SilenceFrame.ToArray(), p.Payload));
            }
        }
    }

    [Fact]
    public void A_stall_catches_up_at_most_the_bound_and_skips_the_rest()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time, new MediaPacerOptions { MaxCatchUpTicks = 3 });
        var counter = new CountingStream();
        pacer.Register(counter);

        time.Advance(TimeSpan.FromSeconds(1)); // 50 ticks due
        Assert.Equal(3, pacer.RunDueTicks());
        Assert.Equal(3, counter.Ticks);
        Assert.Equal(47, pacer.TicksSkipped);

        // Back on schedule: the next slot is one slot length after the last one accounted.
        Assert.Equal(Slot, pacer.TimeUntilNextTick());
        Assert.Equal(0, pacer.RunDueTicks());
        time.Advance(Tick * 2);
        Assert.Equal(2, pacer.RunDueTicks());
        Assert.Equal(5, counter.Ticks);
    }

    [Fact]
    public void After_a_stall_the_send_timestamp_jumps_over_the_skipped_frames_so_it_keeps_real_time()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time, new MediaPacerOptions { MaxCatchUpTicks = 3 });
        var capture = new PacketCapture();
        var stream = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = 3, InitialSequenceNumber = 0, InitialTimestamp = 0 },
            new EncodedFrameQueue(),
            MediaTestKit.Codecs.SilenceFrame,
            capture.Sink,
            time);
        pacer.Register(stream);
        time.Advance(Tick);
        pacer.RunDueTicks();

        time.Advance(TimeSpan.FromSeconds(1)); // 50 due: 47 skipped, 3 sent
        pacer.RunDueTicks();

        var packets = capture.Packets.Select(MediaTestKit.Parse).ToList();
        Assert.Equal(new uint[] { 0, 48 * 960, 49 * 960, 50 * 960 }, packets.Select(p => p.Timestamp));
        Assert.Equal(new ushort[] { 0, 1, 2, 3 }, packets.Select(p => p.SequenceNumber)); // nothing was lost
    }

    [Fact]
    public void Unregistered_streams_are_not_ticked_and_a_throwing_stream_is_isolated()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time);
        var kept = new CountingStream();
        var removed = new CountingStream();
        var faulty = new ThrowingStream();
        pacer.Register(kept);
        var registration = pacer.Register(removed);
        pacer.Register(faulty);
        PacedStreamFaultEventArgs? fault = null;
        pacer.StreamFaulted += (_, e) => fault = e;

        time.Advance(Tick);
        pacer.RunDueTicks();
        registration.Dispose();
        time.Advance(Tick);
        pacer.RunDueTicks();

        Assert.Equal(2, kept.Ticks);
        Assert.Equal(1, removed.Ticks);
        Assert.Equal(1, pacer.StreamFaults);
        Assert.Same(faulty, fault?.Stream);
        Assert.Equal(1, pacer.StreamCount);
    }

    [Fact]
    public void Started_pacer_ticks_on_its_own_thread_and_stops_on_dispose()
    {
        var pacer = new MediaPacer(TimeProvider.System);
        using var ticked = new CountdownEvent(3);
        var stream = new SignallingStream(ticked);
        pacer.Register(stream);
        pacer.Start();

        Assert.True(ticked.Wait(TimeSpan.FromSeconds(10)), "three ticks within 10 s");
        pacer.Dispose(); // joins the thread
        Assert.NotEqual(Environment.CurrentManagedThreadId, stream.LastThreadId);
    }

    [Fact]
    public void Streams_spread_evenly_over_the_slots_of_a_tick_and_each_sends_once_per_tick_at_its_own_offset()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time);
        var streams = Enumerable.Range(0, 25).Select(_ => new TimedStream(time)).ToArray();
        foreach (var stream in streams)
        {
            pacer.Register(stream);
        }

        // 25 streams over 10 slots: the fewest-streams rule fills slots round-robin, 3 in slots 0-4 and 2 in 5-9.
        var perSlot = streams.GroupBy(pacer.SlotOf).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 10), perSlot.Keys.Order());
        Assert.All(Enumerable.Range(0, 5), slot => Assert.Equal(3, perSlot[slot]));
        Assert.All(Enumerable.Range(5, 5), slot => Assert.Equal(2, perSlot[slot]));

        // Step the clock one slot at a time over 3 ticks: only that slot's streams send.
        var start = time.GetTimestamp();
        for (var step = 1; step <= 30; step++)
        {
            time.Advance(Slot);
            pacer.RunDueTicks();
            var slot = (step - 1) % 10;
            var sentSoFar = streams.Where(s => s.Sends.Count > 0).Select(pacer.SlotOf).Distinct().Count();
            Assert.Equal(step >= 10 ? 10 : step, sentSoFar);
            Assert.All(streams.Where(s => pacer.SlotOf(s) == slot), s => Assert.Equal(((step - 1) / 10) + 1, s.Sends.Count));
        }

        Assert.Equal(3, pacer.TicksRun);
        foreach (var stream in streams)
        {
            // Each send falls on the stream's own offset: (slot + 1) slot lengths into each tick, exactly 20 ms apart.
            var offset = Slot * (pacer.SlotOf(stream) + 1);
            Assert.Equal(new[] { offset, offset + Tick, offset + (Tick * 2) }, stream.Sends.Select(t => time.GetElapsedTime(start, t)));
        }
    }

    [Fact]
    public void A_stream_keeps_its_slot_while_others_come_and_go_and_a_new_stream_fills_the_emptiest_slot()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time);
        var first = Enumerable.Range(0, 20).Select(_ => new TimedStream(time)).ToArray();
        var registrations = first.Select(pacer.Register).ToArray();
        var slotsBefore = first.Select(pacer.SlotOf).ToArray();

        // Two calls in slot 3 end: the next stream goes there, the others stay where they were.
        var inSlot3 = Enumerable.Range(0, first.Length).Where(i => slotsBefore[i] == 3).ToArray();
        Assert.Equal(2, inSlot3.Length);
        registrations[inSlot3[0]].Dispose();
        registrations[inSlot3[1]].Dispose();
        var newcomer = new TimedStream(time);
        pacer.Register(newcomer);

        Assert.Equal(3, pacer.SlotOf(newcomer));
        Assert.Equal(-1, pacer.SlotOf(first[inSlot3[0]]));
        Assert.Equal(19, pacer.StreamCount);
        for (var i = 0; i < first.Length; i++)
        {
            if (!inSlot3.Contains(i))
            {
                Assert.Equal(slotsBefore[i], pacer.SlotOf(first[i]));
            }
        }

        time.Advance(Tick);
        Assert.Equal(1, pacer.RunDueTicks());
        Assert.Single(newcomer.Sends);
        Assert.All(inSlot3.Select(i => first[i]), s => Assert.Empty(s.Sends));
    }

    [Fact]
    public void The_observer_gets_each_occupied_slots_lateness_against_its_own_offset_and_its_duration()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time);

        // Two streams (slots 0 and 1); each send takes 0.25 ms of the fake clock.
        pacer.Register(new TimedStream(time, TimeSpan.FromMilliseconds(0.25)));
        pacer.Register(new TimedStream(time, TimeSpan.FromMilliseconds(0.25)));
        var observed = new List<(TimeSpan Late, TimeSpan Duration)>();
        pacer.TickObserved = (late, duration) => observed.Add((late, duration));

        // Slot 0 due at 2 ms, slot 1 at 4 ms; the pacer wakes at 5 ms: slot 0 starts 3 ms late, slot 1 (after slot 0's
        // 0.25 ms) 1.25 ms late. Empty slots 2-9 are not observed.
        time.Advance(TimeSpan.FromMilliseconds(5));
        pacer.RunDueTicks();
        time.Advance(TimeSpan.FromMilliseconds(15) - TimeSpan.FromMilliseconds(0.5));
        pacer.RunDueTicks();

        Assert.Equal(
            new[] { (TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(0.25)), (TimeSpan.FromMilliseconds(1.25), TimeSpan.FromMilliseconds(0.25)) },
            observed);
    }

    [Fact]
    public void A_stall_skips_whole_ticks_so_every_slot_skips_the_same_number_of_turns()
    {
        var time = new FakeTimeProvider();
        using var pacer = new MediaPacer(time, new MediaPacerOptions { MaxCatchUpTicks = 2 });
        var streams = Enumerable.Range(0, 10).Select(_ => new SkipCountingStream()).ToArray();
        foreach (var stream in streams)
        {
            pacer.Register(stream);
        }

        // 1 s + 3 slots: 503 slots due; 2 ticks (20 slots) and the 3 extra slots run; 48 whole ticks skipped.
        time.Advance(TimeSpan.FromSeconds(1) + (Slot * 3));
        Assert.Equal(2, pacer.RunDueTicks());

        Assert.Equal(48, pacer.TicksSkipped);
        Assert.All(streams, s => Assert.Equal(48, s.Skipped));
        Assert.Equal(new[] { 3, 3, 3, 2, 2, 2, 2, 2, 2, 2 }, streams.OrderBy(pacer.SlotOf).Select(s => s.Ticks));
    }

    private sealed class TimedStream(FakeTimeProvider time, TimeSpan? sendTakes = null) : IPacedStream
    {
        public List<long> Sends { get; } = [];

        public void OnTick()
        {
            Sends.Add(time.GetTimestamp());
            if (sendTakes is { } takes)
            {
                time.Advance(takes);
            }
        }
    }

    private sealed class SkipCountingStream : IPacedStream
    {
        public int Ticks { get; private set; }

        public long Skipped { get; private set; }

        public void OnTick() => Ticks++;

        public void OnTicksSkipped(long count) => Skipped += count;
    }

    private sealed class CountingStream : IPacedStream
    {
        public int Ticks { get; private set; }

        public void OnTick() => Ticks++;
    }

    private sealed class ThrowingStream : IPacedStream
    {
        public void OnTick() => throw new InvalidOperationException("boom");
    }

    private sealed class SignallingStream(CountdownEvent countdown) : IPacedStream
    {
        private int _ticks;

        public int Ticks => Volatile.Read(ref _ticks);

        public int LastThreadId { get; private set; }

        public void OnTick()
        {
            LastThreadId = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref _ticks);
            if (!countdown.IsSet)
            {
                countdown.Signal();
            }
        }
    }
}
