using Microsoft.Extensions.Time.Testing;
using Serverless.WebRtc.Media;
using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Tests.Media;

/// <summary>RFC 3550 §6.4 sender/receiver reports and the §6.4.1 round-trip computation.</summary>
public sealed class RtcpReporterRfcVectorTests
{
    private const uint LocalSsrc = 0x1111_1111;
    private const uint RemoteSsrc = 0x2222_2222;

    [Fact]
    public void Section_6_4_1_example_round_trip_is_6_125_seconds()
    {
        // RFC 3550 §6.4.1: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
        // DLSR = 0x0005:4000 (5.250 s) -> RTT = 6.125 s. Any NTP era with those middle bits will do.
        var time = new FakeTimeProvider(NtpTimestamp.FromParts(0xED00_B710, 0x8000_0000).ToDateTimeOffset());
        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "a" }, time, null, null);
        var block = new ReportBlock { Ssrc = LocalSsrc, LastSenderReport = 0xB705_2000, DelaySinceLastSenderReport = 0x0005_4000, FractionLost = 64, CumulativeLost = 3 };
        var datagram = new byte[64];
        Assert.True(new ReceiverReport { Ssrc = RemoteSsrc, ReportBlocks = new ReportBlockList([block]) }.TryWrite(datagram, out var length));

        Assert.True(reporter.ProcessRtcp(datagram.AsSpan(0, length)));

        Assert.Equal(TimeSpan.FromSeconds(6.125), reporter.RoundTripTime);
        var stats = reporter.GetStats();
        Assert.Equal(6125.0, stats.RoundTripTimeMilliseconds);
        Assert.Equal(0.25, stats.RemoteFractionLost);
        Assert.Equal(3, stats.RemoteCumulativeLost);
    }

    [Fact]
    public void Section_6_4_1_a_block_about_another_source_or_without_LSR_gives_no_round_trip()
    {
        var time = new FakeTimeProvider();
        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "a" }, time, null, null);
        var other = new ReportBlock { Ssrc = 0x3333, LastSenderReport = 1, DelaySinceLastSenderReport = 1 };
        var noSr = new ReportBlock { Ssrc = LocalSsrc, LastSenderReport = 0, DelaySinceLastSenderReport = 0 };
        var datagram = new byte[128];
        Assert.True(new ReceiverReport { Ssrc = RemoteSsrc, ReportBlocks = new ReportBlockList([other, noSr]) }.TryWrite(datagram, out var length));

        reporter.ProcessRtcp(datagram.AsSpan(0, length));

        Assert.Null(reporter.RoundTripTime);
    }

    [Fact]
    public void Section_6_4_1_our_report_carries_LSR_and_DLSR_for_the_last_received_SR()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
        using var receive = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly }, timeProvider: time);
        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "media@test" }, time, null, receive);
        FeedAudio(receive, RemoteSsrc, packets: 5, time);
        var remoteNtp = NtpTimestamp.FromParts(0xED00_0001, 0x4000_0000);
        var sr = new byte[64];
        Assert.True(new SenderReport { Ssrc = RemoteSsrc, SenderInfo = new SenderInfo { NtpTime = remoteNtp, PacketCount = 5 } }.TryWrite(sr, out var srLength));
        reporter.ProcessRtcp(sr.AsSpan(0, srLength));

        time.Advance(TimeSpan.FromSeconds(5.25));
        var datagram = new byte[reporter.MaxReportLength];
        Assert.True(reporter.TryWriteReport(datagram, out var length));

        var reader = new RtcpCompoundReader(datagram.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var first));
        Assert.True(ReceiverReport.TryParse(first.Bytes, out var rr)); // nothing sent: RR, not SR
        Assert.Equal(LocalSsrc, rr.Ssrc);
        var block = Assert.Single(rr.ReportBlocks.ToArray());
        Assert.Equal(RemoteSsrc, block.Ssrc);
        Assert.Equal(remoteNtp.Middle32, block.LastSenderReport);
        Assert.Equal(0x0005_4000u, block.DelaySinceLastSenderReport);
        Assert.Equal(5u, block.ExtendedHighestSequence); // sequences 1..5
        Assert.True(reader.TryReadNext(out var second));
        Assert.True(SourceDescription.TryParse(second.Bytes, out var sdes)); // §6.1: CNAME in every compound
        Assert.True(sdes.TryGetCanonicalName(LocalSsrc, out var cname));
        Assert.Equal("media@test"u8.ToArray(), cname.ToArray());
        Assert.True(reader.IsComplete);
    }

    [Fact]
    public void SR_RR_exchange_with_known_one_way_delays_measures_their_sum_as_round_trip()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
        using var receiveAtB = new AudioReceiveStream(new AudioReceiveStreamOptions { Mode = ReceiveMode.PacketsOnly }, timeProvider: time);
        var sendAtA = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = LocalSsrc, InitialSequenceNumber = 10, InitialTimestamp = 1000 },
            new EncodedFrameQueue(),
            MediaTestKit.Codecs.SilenceFrame,
            packet => receiveAtB.ProcessRtp(packet),
            time);
        var a = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "a" }, time, sendAtA, null);
        var b = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = RemoteSsrc, CanonicalName = "b" }, time, null, receiveAtB);
        for (var i = 0; i < 10; i++)
        {
            sendAtA.OnTick();
        }

        var buffer = new byte[a.MaxReportLength];
        Assert.True(a.TryWriteReport(buffer, out var srLength));
        Assert.True(SenderReport.TryParse(buffer, out var sr)); // A sent: an SR
        Assert.Equal(10u, sr.SenderInfo.PacketCount);
        Assert.Equal((uint)sendAtA.PayloadBytesSent, sr.SenderInfo.OctetCount);
        Assert.Equal(1000u + (9 * 960), sr.SenderInfo.RtpTimestamp); // no time passed since the last packet

        time.Advance(TimeSpan.FromMilliseconds(30)); // A -> B
        Assert.True(b.ProcessRtcp(buffer.AsSpan(0, srLength)));
        time.Advance(TimeSpan.FromMilliseconds(100)); // B holds the SR before reporting
        var rr = new byte[b.MaxReportLength];
        Assert.True(b.TryWriteReport(rr, out var rrLength));
        time.Advance(TimeSpan.FromMilliseconds(20)); // B -> A
        Assert.True(a.ProcessRtcp(rr.AsSpan(0, rrLength)));

        // Compact NTP has 1/65536 s resolution; three roundings can add up to about 0.05 ms.
        Assert.Equal(50.0, a.GetStats().RoundTripTimeMilliseconds!.Value, 0.05);
        Assert.Equal(0.0, a.GetStats().RemoteFractionLost);
        Assert.Equal(10, b.GetStats().PacketsReceived);

        // Nothing sent since: A's next report is an RR.
        Assert.True(a.TryWriteReport(buffer, out _));
        Assert.True(ReceiverReport.TryParse(buffer, out _));
    }

    [Fact]
    public void Section_6_6_goodbye_ends_a_compound_after_the_report_and_SDES_and_the_peer_reads_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
        var leaving = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "a" }, time, null, null);
        var staying = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = RemoteSsrc, CanonicalName = "b" }, time, null, null);
        var datagram = new byte[leaving.MaxGoodbyeLength];
        Assert.False(leaving.TryWriteGoodbye(datagram.AsSpan(0, leaving.MaxGoodbyeLength - 1), "hang-up", out _));

        Assert.True(leaving.TryWriteGoodbye(datagram, "hang-up", out var length));

        // §6.1: a compound starts with SR/RR and carries SDES CNAME; §6.6: BYE goes last.
        var packet = datagram.AsSpan(0, length);
        Assert.Equal(RtcpDatagramKind.Compound, RtcpCompoundReader.Classify(packet));
        var reader = new RtcpCompoundReader(packet);
        Assert.True(reader.TryReadNext(out var first));
        Assert.Equal(RtcpPacketType.ReceiverReport, first.Header.PacketType);
        Assert.True(reader.TryReadNext(out var second));
        Assert.Equal(RtcpPacketType.SourceDescription, second.Header.PacketType);
        Assert.True(reader.TryReadNext(out var third));
        Assert.True(Goodbye.TryParse(third.Bytes, out var bye));
        Assert.Equal(1, bye.Sources.Count);
        Assert.Equal(LocalSsrc, bye.Sources[0]);
        Assert.Equal("hang-up"u8.ToArray(), bye.Reason.ToArray());
        Assert.False(reader.TryReadNext(out _));
        Assert.True(reader.IsComplete);

        Assert.False(staying.RemoteSaidGoodbye);
        Assert.True(staying.ProcessRtcp(packet));
        Assert.True(staying.RemoteSaidGoodbye);
    }

    [Fact]
    public void Too_small_a_buffer_is_refused_without_consuming_the_interval()
    {
        var time = new FakeTimeProvider();
        var reporter = new RtcpReporter(new RtcpReporterOptions { LocalSsrc = LocalSsrc, CanonicalName = "a" }, time, null, null);
        Assert.False(reporter.TryWriteReport(new byte[reporter.MaxReportLength - 1], out var written));
        Assert.Equal(0, written);
        Assert.Equal(0, reporter.ReportsWritten);
    }

    private static void FeedAudio(AudioReceiveStream receive, uint ssrc, int packets, FakeTimeProvider time)
    {
        var sender = new AudioSendStream(
            new AudioSendStreamOptions { Ssrc = ssrc, InitialSequenceNumber = 1, InitialTimestamp = 0 },
            new EncodedFrameQueue(),
            MediaTestKit.Codecs.SilenceFrame,
            packet => receive.ProcessRtp(packet),
            time);
        for (var i = 0; i < packets; i++)
        {
            sender.OnTick();
        }
    }
}

internal static class ReportBlockListExtensions
{
    public static ReportBlock[] ToArray(this ReportBlockList list)
    {
        var blocks = new ReportBlock[list.Count];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = list[i];
        }

        return blocks;
    }
}
