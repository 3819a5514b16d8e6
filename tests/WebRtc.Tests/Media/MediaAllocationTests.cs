using Serverless.WebRtc.Media;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>The per-packet paths run 50 times a second per call: after warm-up they must not allocate.</summary>
public sealed class MediaAllocationTests
{
    private static readonly byte[] SinkBuffer = new byte[1500];
    private static long _sunk;

    [Fact]
    public void Send_path_with_pre_encoded_frames_and_silence_allocates_nothing_per_packet()
    {
        var frames = MediaTestKit.EncodeTone(440, 10);
        var source = new EncodedFrameQueue();
        for (var i = 0; i < 1100; i++)
        {
            source.Enqueue(frames[i % frames.Count]); // queued up front: the prompt is loaded before playing
        }

        var stream = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = 5, TelephoneEventPayloadType = MediaTestKit.EventPt },
            source,
            MediaTestKit.Codecs.SilenceFrame,
            static packet =>
            {
                packet.CopyTo(SinkBuffer);
                _sunk += packet.Length;
            });
        for (var i = 0; i < 100; i++)
        {
            stream.OnTick(); // warm up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            stream.OnTick(); // 1000 frames from the queue
        }

        for (var i = 0; i < 200; i++)
        {
            stream.OnTick(); // queue empty: silence frames
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1300, stream.PacketsSent);
        Assert.Equal(200, stream.SilenceFramesSent);
        Assert.True(_sunk > 0);
    }

    [Fact]
    public void Receive_path_without_decoding_allocates_nothing_per_packet()
    {
        var packets = BuildPackets(1100);
        using var recordOnly = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly, TelephoneEventPayloadType = MediaTestKit.EventPt });
        long recorded = 0;
        recordOnly.OpusPacketReceived += (payload, _, _) => recorded += payload.Length;
        using var buffered = new AudioReceiveStream(new AudioReceiveStreamOptions(), MediaTestKit.Codecs);
        for (var i = 0; i < 100; i++)
        {
            recordOnly.ProcessRtp(packets[i]); // warm up
            buffered.ProcessRtp(packets[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < packets.Count; i++)
        {
            recordOnly.ProcessRtp(packets[i]);
            buffered.ProcessRtp(packets[i]); // into the jitter buffer (overflowing it, since nobody reads)
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(packets.Count, recordOnly.GetStatistics().PacketsReceived); // audio + telephone events
        Assert.True(recorded > 0);
        Assert.Equal(0, recordOnly.FramesDecoded + buffered.FramesDecoded); // no Opus work at all
    }

    [Fact]
    public void Rtcp_report_writing_allocates_nothing()
    {
        var receive = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly });
        var packets = BuildPackets(10);
        foreach (var packet in packets)
        {
            receive.ProcessRtp(packet);
        }

        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = 1, CanonicalName = "alloc" }, TimeProvider.System, null, receive);
        var buffer = new byte[reporter.MaxReportLength];
        Assert.True(reporter.TryWriteReport(buffer, out _)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            reporter.TryWriteReport(buffer, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static List<byte[]> BuildPackets(int count)
    {
        var capture = new PacketCapture();
        var frames = MediaTestKit.EncodeTone(440, 10);
        var source = new EncodedFrameQueue();
        var sender = new AudioSendStream(new AudioSendStreamOptions { Ssrc = 77, TelephoneEventPayloadType = MediaTestKit.EventPt }, source, MediaTestKit.Codecs.SilenceFrame, capture.Sink);
        for (var i = 0; i < count; i++)
        {
            source.Enqueue(frames[i % frames.Count]);
            if (i % 200 == 50)
            {
                sender.SendDtmf("5"); // telephone events are part of the receive path too
            }

            sender.OnTick();
        }

        return capture.Packets;
    }
}
