using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

public sealed class AudioSendStreamTests
{
    [Fact]
    public void Marker_is_set_on_the_first_packet_and_on_each_talkspurt_start_only()
    {
        var capture = new PacketCapture();
        var source = new EncodedFrameQueue();
        var stream = NewStream(source, capture);
        var frames = MediaTestKit.EncodeTone(440, 4);

        stream.OnTick(); // silence, first packet
        source.Enqueue(frames[0]);
        source.Enqueue(frames[1]);
        stream.OnTick(); // talkspurt starts
        stream.OnTick();
        stream.OnTick(); // silence
        source.Enqueue(frames[2]);
        stream.OnTick(); // talkspurt again

        var packets = capture.Packets.Select(MediaTestKit.Parse).ToList();
        Assert.Equal([true, true, false, false, true], packets.Select(p => p.Marker));
        Assert.Equal(frames[0], packets[1].Payload);
        Assert.Equal(frames[2], packets[4].Payload);
        Assert.Equal(2, stream.SilenceFramesSent);
    }

    [Fact]
    public void Counters_count_packets_and_payload_octets_for_the_sender_report()
    {
        var capture = new PacketCapture();
        var source = new EncodedFrameQueue();
        var stream = NewStream(source, capture);
        var frames = MediaTestKit.EncodeTone(440, 3);
        foreach (var frame in frames)
        {
            source.Enqueue(frame);
        }

        for (var i = 0; i < 5; i++)
        {
            stream.OnTick();
        }

        Assert.Equal(5, stream.PacketsSent);
        Assert.Equal(frames.Sum(f => f.Length) + (2 * MediaTestKit.Codecs.SilenceFrame.Length), stream.PayloadBytesSent);
        Assert.All(capture.Packets, p => Assert.Equal(12, p.Length - MediaTestKit.Parse(p).Payload.Length));
    }

    [Fact]
    public void Live_pcm_is_encoded_one_frame_per_tick_and_short_input_sends_silence()
    {
        var capture = new PacketCapture();
        using var source = new PcmEncodingSource(MediaTestKit.Codecs.CreateEncoder());
        var stream = NewStream(source, capture);
        var pcm = new short[OpusCodec.FrameSamples + 100];
        new ToneGenerator(440).Fill(pcm);

        source.Write(pcm);
        stream.OnTick(); // one whole frame available
        stream.OnTick(); // only 100 samples left: silence

        Assert.Equal(100, source.BufferedSamples);
        Assert.Equal(1, stream.SilenceFramesSent);
        Assert.NotEqual(MediaTestKit.Codecs.SilenceFrame.ToArray(), MediaTestKit.Parse(capture.Packets[0]).Payload);
    }

    [Fact]
    public void Random_initial_sequence_and_timestamp_when_not_configured()
    {
        var first = new AudioSendStream(new AudioSendStreamOptions { Ssrc = 1 }, new EncodedFrameQueue(), MediaTestKit.Codecs.SilenceFrame, _ => { });
        var streams = Enumerable.Range(0, 8)
            .Select(_ => new AudioSendStream(new AudioSendStreamOptions { Ssrc = 1 }, new EncodedFrameQueue(), MediaTestKit.Codecs.SilenceFrame, _ => { }))
            .ToList();

        // RFC 3550 §5.1: random starting points; eight draws all equal to the first would be a 2^-128 event.
        Assert.Contains(streams, s => s.NextTimestamp != first.NextTimestamp);
        Assert.Contains(streams, s => s.NextSequenceNumber != first.NextSequenceNumber);
    }

    [Fact]
    public void Dtmf_without_a_negotiated_payload_type_is_refused()
    {
        var stream = NewStream(new EncodedFrameQueue(), new PacketCapture());
        Assert.Throws<InvalidOperationException>(() => { _ = stream.SendDtmf("1"); });
    }

    private static AudioSendStream NewStream(IAudioSource source, PacketCapture capture) =>
        new(new AudioSendStreamOptions { Ssrc = 42, PayloadType = MediaTestKit.OpusPt, InitialSequenceNumber = 100, InitialTimestamp = 5000 },
            source, MediaTestKit.Codecs.SilenceFrame, capture.Sink);
}
