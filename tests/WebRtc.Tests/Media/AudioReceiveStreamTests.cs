using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Media;

public sealed class AudioReceiveStreamTests
{
    [Fact]
    public void Packets_only_mode_hands_out_packets_in_arrival_order_and_has_no_decoder()
    {
        var packets = Packets(6);
        using var stream = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly });
        var seen = new List<ushort>();
        stream.OpusPacketReceived += (_, _, sequence) => seen.Add(sequence);

        foreach (var index in new[] { 0, 2, 1, 3, 5, 4 })
        {
            Assert.Equal(RtpReceiveResult.Audio, stream.ProcessRtp(packets[index]));
        }

        Assert.Equal(new ushort[] { 10, 12, 11, 13, 15, 14 }, seen);
        Assert.Throws<InvalidOperationException>(() => stream.ReadFrame(new short[960]));
        Assert.Equal(2, stream.GetStatistics().Reordered);
    }

    [Fact]
    public void Classifies_foreign_ssrc_unknown_payload_type_malformed_and_duplicates()
    {
        var packets = Packets(2);
        using var stream = new AudioReceiveStream(new AudioReceiveStreamOptions { RemoteSsrc = 0xABC, Mode = ReceiveMode.PacketsOnly });

        Assert.Equal(RtpReceiveResult.Audio, stream.ProcessRtp(packets[0]));
        Assert.Equal(RtpReceiveResult.Duplicate, stream.ProcessRtp(packets[0]));
        Assert.Equal(RtpReceiveResult.ForeignSsrc, stream.ProcessRtp(Rtp(ssrc: 0xDEF, pt: MediaTestKit.OpusPt, seq: 11, payload: [1])));
        Assert.Equal(RtpReceiveResult.UnknownPayloadType, stream.ProcessRtp(Rtp(ssrc: 0xABC, pt: 13, seq: 11, payload: [1])));
        Assert.Equal(RtpReceiveResult.Malformed, stream.ProcessRtp([0x80, 0x6F]));
        Assert.Equal(RtpReceiveResult.Malformed, stream.ProcessRtp(Rtp(ssrc: 0xABC, pt: MediaTestKit.OpusPt, seq: 12, payload: [])));

        // The comfort-noise and empty packets share the sequence space, so they count and 11-12 are no loss;
        // A.3 counts the duplicate as received too: expected 3, received 4.
        var stats = stream.GetStatistics();
        Assert.Equal(3, stats.PacketsExpected);
        Assert.Equal(4, stats.PacketsReceived);
        Assert.Equal(-1, stats.CumulativeLost);
        Assert.Equal(1, stats.Duplicates);
    }

    [Fact]
    public void A_packet_after_its_slot_was_played_is_reported_too_late_but_still_recorded()
    {
        var packets = Packets(6);
        using var stream = new AudioReceiveStream(new AudioReceiveStreamOptions(), MediaTestKit.Codecs);
        var recorded = 0;
        stream.OpusPacketReceived += (_, _, _) => recorded++;
        foreach (var index in new[] { 0, 2, 3 })
        {
            stream.ProcessRtp(packets[index]);
        }

        var pcm = new short[960];
        Assert.Equal(AudioFrameKind.Decoded, stream.ReadFrame(pcm));
        Assert.Equal(AudioFrameKind.FecRecovered, stream.ReadFrame(pcm)); // slot 1 from packet 2's LBRR

        Assert.Equal(RtpReceiveResult.TooLate, stream.ProcessRtp(packets[1]));
        Assert.Equal(4, recorded);
        Assert.Equal(1, stream.GetStatistics().TooLate);
    }

    [Fact]
    public void When_the_buffer_runs_dry_it_conceals_a_few_frames_then_plays_silence()
    {
        var packets = Packets(3);
        using var stream = new AudioReceiveStream(new AudioReceiveStreamOptions { MaxConcealedUnderrunFrames = 2 }, MediaTestKit.Codecs);
        var pcm = new short[960];
        Assert.Equal(AudioFrameKind.Silence, stream.ReadFrame(pcm)); // nothing yet
        foreach (var packet in packets)
        {
            stream.ProcessRtp(packet);
        }

        var kinds = Enumerable.Range(0, 7).Select(_ => stream.ReadFrame(pcm)).ToList();

        Assert.Equal(
            [AudioFrameKind.Decoded, AudioFrameKind.Decoded, AudioFrameKind.Decoded, AudioFrameKind.Underrun, AudioFrameKind.Underrun, AudioFrameKind.Silence, AudioFrameKind.Silence],
            kinds);
        Assert.All(pcm, s => Assert.Equal(0, s));
    }

    [Fact]
    public void A_payload_the_decoder_rejects_is_concealed_and_counted()
    {
        using var stream = new AudioReceiveStream(new AudioReceiveStreamOptions(), MediaTestKit.Codecs);
        var good = Packets(4);
        stream.ProcessRtp(good[0]);
        // TOC code 3 with zero frames: not a decodable Opus packet (RFC 6716 §3.4 R5).
        stream.ProcessRtp(Rtp(ssrc: 0xABC, pt: MediaTestKit.OpusPt, seq: 11, payload: [0x7B, 0x00], timestamp: 960));
        stream.ProcessRtp(good[2]);
        stream.ProcessRtp(good[3]);
        var pcm = new short[960];

        Assert.Equal(AudioFrameKind.Decoded, stream.ReadFrame(pcm));
        Assert.Equal(AudioFrameKind.Concealed, stream.ReadFrame(pcm));
        Assert.Equal(1, stream.FramesCorrupt);
        Assert.Equal(AudioFrameKind.Decoded, stream.ReadFrame(pcm));
    }

    private static List<byte[]> Packets(int count)
    {
        var frames = MediaTestKit.EncodeTone(440, count);
        return frames.Select((frame, i) => Rtp(0xABC, MediaTestKit.OpusPt, (ushort)(10 + i), frame, (uint)(i * 960))).ToList();
    }

    private static byte[] Rtp(uint ssrc, byte pt, ushort seq, byte[] payload, uint timestamp = 0)
    {
        var buffer = new byte[12 + payload.Length];
        Assert.True(new RtpPacket
        {
            Header = new RtpHeader { Ssrc = ssrc, PayloadType = pt, SequenceNumber = seq, Timestamp = timestamp },
            Payload = payload,
        }.TryWrite(buffer, out _));
        return buffer;
    }
}
