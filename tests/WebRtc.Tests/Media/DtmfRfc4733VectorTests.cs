using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>RFC 4733 §2.5 sender and receiver behaviour of telephone events.</summary>
public sealed class DtmfRfc4733VectorTests
{
    [Fact]
    public void Section_2_5_1_one_digit_is_updates_with_one_timestamp_growing_duration_then_three_end_packets()
    {
        var capture = new PacketCapture();
        var stream = NewSender(capture);
        stream.OnTick(); // one audio packet first
        stream.SendDtmf("5");
        for (var i = 0; i < 7; i++)
        {
            stream.OnTick();
        }

        var packets = capture.Packets.Select(MediaTestKit.Parse).ToList();
        var events = packets.Where(p => p.PayloadType == MediaTestKit.EventPt).ToList();
        var parsed = events.Select(p => Assert.IsType<TelephoneEvent>(ParseEvent(p.Payload))).ToList();

        // 100 ms tone = 5 frames: 4 updates, then the 5th frame's packet as end, sent 3 times (§2.5.1.4).
        Assert.Equal(7, events.Count);
        Assert.All(events, e => Assert.Equal(packets[0].Timestamp + 960u, e.Timestamp)); // §2.5.1.2: event start
        Assert.Equal([true, false, false, false, false, false, false], events.Select(e => e.Marker)); // §2.5.1.1
        Assert.Equal(new ushort[] { 160, 320, 480, 640, 800, 800, 800 }, parsed.Select(e => e.Duration));
        Assert.Equal([false, false, false, false, true, true, true], parsed.Select(e => e.IsEnd));
        Assert.All(parsed, e => Assert.Equal(5, e.EventCode));

        // Every packet, the end repeats included, takes its own sequence number (§2.5.1.4).
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(packets[i - 1].SequenceNumber + 1), packets[i].SequenceNumber);
        }

        // The audio clock ran on under the 5-frame tone: the next audio packet is 6 frames after the first.
        var audioAfter = packets.Skip(1).First(p => p.PayloadType == MediaTestKit.OpusPt);
        Assert.Equal(packets.IndexOf(events[^1]) + 1, packets.IndexOf(audioAfter));
        Assert.Equal(packets[0].Timestamp + (6 * 960u), audioAfter.Timestamp);
        Assert.Equal(0, stream.PendingDtmfCount);
    }

    [Fact]
    public void Section_2_5_1_4_sending_completes_on_the_tick_the_last_digits_end_packets_go_out()
    {
        var capture = new PacketCapture();
        var stream = NewSender(capture);
        var done = stream.SendDtmf("12");
        var endPacketsWhenDone = -1;
        for (var tick = 0; tick < 40 && !done.IsCompleted; tick++)
        {
            stream.OnTick();
            if (done.IsCompleted)
            {
                endPacketsWhenDone = capture.Packets.Select(MediaTestKit.Parse)
                    .Count(p => p.PayloadType == MediaTestKit.EventPt && ParseEvent(p.Payload) is { IsEnd: true });
            }
        }

        Assert.True(done.IsCompletedSuccessfully);
        Assert.Equal(6, endPacketsWhenDone); // both digits' three end packets, and no earlier
        Assert.Equal(0, stream.PendingDtmfCount);
    }

    [Fact]
    public void Digits_still_queued_when_the_stream_stops_cancel_their_task()
    {
        var stream = NewSender(new PacketCapture());
        var done = stream.SendDtmf("123");
        stream.OnTick();

        stream.CancelPendingDtmf();

        Assert.True(done.IsCanceled);
        Assert.True(stream.SendDtmf(string.Empty).IsCompletedSuccessfully);
    }

    [Fact]
    public void Section_2_5_1_4_digits_sent_as_12hash_arrive_once_each_despite_repeated_and_reordered_end_packets()
    {
        var capture = new PacketCapture();
        var sender = NewSender(capture);
        sender.SendDtmf("12#");
        for (var i = 0; i < 40 && sender.PendingDtmfCount > 0; i++)
        {
            sender.OnTick();
        }

        sender.OnTick();
        Assert.Equal(0, sender.PendingDtmfCount);

        // Network: every end packet is duplicated once more, and all packets are delivered in a shuffled
        // order within a window of 4 (an end packet of '1' arrives after the start of '2', and so on).
        var delivered = new List<byte[]>();
        foreach (var packet in capture.Packets)
        {
            delivered.Add(packet);
            var parsed = MediaTestKit.Parse(packet);
            if (parsed.PayloadType == MediaTestKit.EventPt && ParseEvent(parsed.Payload) is { IsEnd: true })
            {
                delivered.Add(packet);
            }
        }

        var shuffled = ShuffleWithinWindow(delivered, window: 4, seed: 7);

        // And an end packet of each digit arrives again, late, after the next digit has started.
        byte[] EndOf(byte code) => delivered.First(p => ParseEvent(MediaTestKit.Parse(p).Payload) is { IsEnd: true } e && e.EventCode == code && MediaTestKit.Parse(p).PayloadType == MediaTestKit.EventPt);
        int StartOf(byte code) => shuffled.FindIndex(p => MediaTestKit.Parse(p).PayloadType == MediaTestKit.EventPt && ParseEvent(MediaTestKit.Parse(p).Payload) is { } e && e.EventCode == code);
        shuffled.Insert(StartOf(2) + 1, EndOf(1));
        shuffled.Insert(StartOf(11) + 1, EndOf(2));
        var receiver = new AudioReceiveStream(new AudioReceiveStreamOptions
        {
            PayloadType = MediaTestKit.OpusPt,
            TelephoneEventPayloadType = MediaTestKit.EventPt,
            Mode = ReceiveMode.PacketsOnly,
        });
        var digits = new List<char>();
        receiver.Dtmf.DigitReceived += (_, e) => digits.Add(e.Digit);

        foreach (var packet in shuffled)
        {
            receiver.ProcessRtp(packet);
        }

        Assert.Equal(['1', '2', '#'], digits);
        Assert.Equal(3, receiver.Dtmf.DigitsDetected);
    }

    [Fact]
    public void Section_2_5_1_4_a_lost_start_still_yields_the_digit_from_its_end_packets()
    {
        var detector = new DtmfDetector();
        var digits = new List<char>();
        detector.DigitReceived += (_, e) => digits.Add(e.Digit);
        var end = new byte[4];
        new TelephoneEvent { EventCode = 11, IsEnd = true, Duration = 800 }.TryWrite(end, out _);

        Assert.True(detector.Process(48_000, end));
        Assert.False(detector.Process(48_000, end));
        Assert.False(detector.Process(48_000, end));

        Assert.Equal(['#'], digits);
    }

    [Fact]
    public void Section_2_5_1_2_an_older_event_arriving_after_a_newer_one_is_not_raised_again()
    {
        var detector = new DtmfDetector();
        var digits = new List<char>();
        detector.DigitReceived += (_, e) => digits.Add(e.Digit);
        var one = Event(1, isEnd: false);
        var oneEnd = Event(1, isEnd: true);
        var two = Event(2, isEnd: false);

        detector.Process(uint.MaxValue - 100, one); // timestamps wrap between the two events
        detector.Process(200, two);
        detector.Process(uint.MaxValue - 100, oneEnd); // a late, distinct (new sequence number) end of '1'

        Assert.Equal(['1', '2'], digits);
    }

    private static byte[] Event(byte code, bool isEnd)
    {
        var payload = new byte[4];
        new TelephoneEvent { EventCode = code, IsEnd = isEnd, Duration = 160 }.TryWrite(payload, out _);
        return payload;
    }

    [Fact]
    public void Malformed_event_payload_is_counted_not_raised()
    {
        var detector = new DtmfDetector();
        Assert.False(detector.Process(1, new byte[3]));
        Assert.Equal(1, detector.MalformedPackets);
        Assert.Equal(0, detector.DigitsDetected);
    }

    private static TelephoneEvent? ParseEvent(byte[] payload) =>
        TelephoneEvent.TryParse(payload, out var e) ? e : null;

    private static List<byte[]> ShuffleWithinWindow(List<byte[]> packets, int window, int seed)
    {
        var random = new Random(seed);
        var result = new List<byte[]>(packets);
        for (var start = 0; start < result.Count; start += window)
        {
            var end = Math.Min(start + window, result.Count);
            for (var i = end - 1; i > start; i--)
            {
                var j = random.Next(start, i + 1);
                (result[i], result[j]) = (result[j], result[i]);
            }
        }

        return result;
    }

    private static AudioSendStream NewSender(PacketCapture capture) =>
        new(new AudioSendStreamOptions
        {
            Ssrc = 9,
            PayloadType = MediaTestKit.OpusPt,
            TelephoneEventPayloadType = MediaTestKit.EventPt,
            InitialSequenceNumber = 1,
            InitialTimestamp = 0,
        },
            new EncodedFrameQueue(),
            MediaTestKit.Codecs.SilenceFrame,
            capture.Sink);
}
