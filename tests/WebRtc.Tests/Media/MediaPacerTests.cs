using Microsoft.Extensions.Time.Testing;
using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class MediaPacerTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

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

        // Back on schedule: the next tick is one interval after the last one accounted.
        Assert.Equal(Tick, pacer.TimeUntilNextTick());
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
