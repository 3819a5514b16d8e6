using System.Text;
using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Tests.Rtcp;

/// <summary>Hand-assembled RTCP packets checked against RFC 3550 §6 layouts, and reduced-size RTCP (RFC 5506).</summary>
public sealed class RtcpRfc3550VectorTests
{
    private const string SenderReportHex = "80C80006" + "11223344" + "E500000080000000" + "000003E8" + "0000000A" + "00000640";
    private const string BlockHex = "55667788" + "40FFFFFE" + "00010005" + "00000020" + "12345678" + "00018000";
    private const string SdesHex = "81CA0003" + "11223344" + "0104" + "61626364" + "0000";
    private const string ByeHex = "81CB0003" + "11223344" + "04" + "62796521" + "000000";

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_HeaderAndSenderInfo()
    {
        byte[] data = Convert.FromHexString(SenderReportHex);

        Assert.True(SenderReport.TryParse(data, out var sr));

        Assert.Equal(0x11223344u, sr.Ssrc);
        Assert.Equal(0xE5000000u, sr.SenderInfo.NtpTime.Seconds);
        Assert.Equal(0x80000000u, sr.SenderInfo.NtpTime.Fraction);
        Assert.Equal(0x00008000u, sr.SenderInfo.NtpTime.Middle32);
        Assert.Equal(1000u, sr.SenderInfo.RtpTimestamp);
        Assert.Equal(10u, sr.SenderInfo.PacketCount);
        Assert.Equal(1600u, sr.SenderInfo.OctetCount);
        Assert.Equal(0, sr.ReportBlocks.Count);
        Assert.True(sr.ProfileExtensions.IsEmpty);
        Assert.Equal(28, sr.Length);
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_ReportBlockFields()
    {
        byte[] data = Convert.FromHexString("81C8000C" + SenderReportHex[8..] + BlockHex);

        Assert.True(SenderReport.TryParse(data, out var sr));
        var block = Assert.Single(ToList(sr.ReportBlocks));

        Assert.Equal(0x55667788u, block.Ssrc);
        Assert.Equal(0x40, block.FractionLost); // 0.25
        Assert.Equal(-2, block.CumulativeLost); // signed 24-bit: more duplicates than losses
        Assert.Equal(0x00010005u, block.ExtendedHighestSequence);
        Assert.Equal(32u, block.Jitter);
        Assert.Equal(0x12345678u, block.LastSenderReport);
        Assert.Equal(TimeSpan.FromSeconds(1.5), CompactNtp.ToTimeSpan(block.DelaySinceLastSenderReport));
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_WriteProducesExactBytes()
    {
        ReportBlock[] blocks = [ReportBlock.TryParse(Convert.FromHexString(BlockHex), out var b) ? b : default];
        var sr = new SenderReport
        {
            Ssrc = 0x11223344,
            SenderInfo = new SenderInfo
            {
                NtpTime = NtpTimestamp.FromParts(0xE5000000, 0x80000000),
                RtpTimestamp = 1000,
                PacketCount = 10,
                OctetCount = 1600,
            },
            ReportBlocks = new ReportBlockList(blocks),
        };
        var buffer = new byte[sr.GetSize()];

        Assert.True(sr.TryWrite(buffer, out var written));

        Assert.Equal(52, written);
        Assert.Equal(Convert.FromHexString("81C8000C" + SenderReportHex[8..] + BlockHex), buffer);
    }

    [Fact]
    public void Rfc3550_6_4_1_RoundTripTimeExample()
    {
        // Figure 2 of §6.4.1: A = b710:8000, LSR = b705:2000, DLSR = 0005:4000 give RTT = 0006:2000 (6.125 s).
        var rtt = CompactNtp.RoundTripTime(0xB7108000, 0xB7052000, 0x00054000);

        Assert.Equal(TimeSpan.FromSeconds(6.125), rtt);
    }

    [Fact]
    public void Rfc3550_6_4_1_NoRoundTripBeforeFirstSenderReport()
    {
        Assert.Null(CompactNtp.RoundTripTime(0xB7108000, 0, 0));
    }

    [Fact]
    public void Rfc3550_6_4_2_ReceiverReport_WithOneBlock()
    {
        byte[] data = Convert.FromHexString("81C90007" + "11223344" + BlockHex);

        Assert.True(ReceiverReport.TryParse(data, out var rr));

        Assert.Equal(0x11223344u, rr.Ssrc);
        Assert.Equal(0x55667788u, Assert.Single(ToList(rr.ReportBlocks)).Ssrc);
    }

    [Fact]
    public void Rfc3550_6_4_2_ReceiverReport_EmptyIsValid()
    {
        byte[] data = Convert.FromHexString("80C90001" + "11223344");

        Assert.True(ReceiverReport.TryParse(data, out var rr));
        Assert.Equal(0, rr.ReportBlocks.Count);
    }

    [Fact]
    public void Rfc3550_6_5_1_SourceDescription_CnameItem()
    {
        byte[] data = Convert.FromHexString(SdesHex);

        Assert.True(SourceDescription.TryParse(data, out var sdes));

        Assert.Equal(1, sdes.ChunkCount);
        Assert.True(sdes.TryGetCanonicalName(0x11223344, out var cname));
        Assert.Equal("abcd", Encoding.ASCII.GetString(cname));
    }

    [Fact]
    public void Rfc3550_6_5_ChunkEndingOnWordBoundaryNeedsFourNullOctets()
    {
        byte[] expected = Convert.FromHexString("81CA0003" + "11223344" + "01026162" + "00000000");
        var buffer = new byte[64];

        Assert.True(SourceDescriptionWriter.TryWriteCanonicalName(buffer, 0x11223344, "ab"u8, out var written));

        Assert.Equal(expected, buffer[..written]);
        Assert.True(SourceDescription.TryParse(expected, out var sdes));
        Assert.True(sdes.TryGetCanonicalName(0x11223344, out var cname));
        Assert.Equal("ab", Encoding.ASCII.GetString(cname));
    }

    [Fact]
    public void Rfc3550_6_5_SeveralChunksAndUnknownItemsAreKept()
    {
        byte[] data = Convert.FromHexString(
            "82CA0006" + "01010101" + "010178" + "09026869" + "00" + "02020202" + "0603616263" + "000000");

        Assert.True(SourceDescription.TryParse(data, out var sdes));
        var seen = new List<string>();
        foreach (var chunk in sdes)
        {
            foreach (var item in chunk)
            {
                seen.Add($"{chunk.Ssrc:X8}:{(byte)item.Type}:{Encoding.ASCII.GetString(item.Text)}");
            }
        }

        Assert.Equal(["01010101:1:x", "01010101:9:hi", "02020202:6:abc"], seen);
    }

    [Fact]
    public void Rfc3550_6_6_Goodbye_WithReason()
    {
        byte[] data = Convert.FromHexString(ByeHex);

        Assert.True(Goodbye.TryParse(data, out var bye));

        Assert.Equal(1, bye.Sources.Count);
        Assert.Equal(0x11223344u, bye.Sources[0]);
        Assert.Equal("bye!", Encoding.ASCII.GetString(bye.Reason));

        var buffer = new byte[bye.GetSize()];
        Assert.True(bye.TryWrite(buffer, out _));
        Assert.Equal(data, buffer);
    }

    [Fact]
    public void Rfc3550_6_6_Goodbye_WithoutReason()
    {
        byte[] data = Convert.FromHexString("82CB0002" + "11223344" + "55667788");

        Assert.True(Goodbye.TryParse(data, out var bye));
        Assert.Equal(2, bye.Sources.Count);
        Assert.Equal(0x55667788u, bye.Sources[1]);
        Assert.True(bye.Reason.IsEmpty);
    }

    [Fact]
    public void Rfc3550_6_7_ApplicationDefined_NameAndData()
    {
        byte[] data = Convert.FromHexString("81CC0004" + "11223344" + "54455354" + "0102030405060708");

        Assert.True(ApplicationDefined.TryParse(data, out var app));

        Assert.Equal(1, app.Subtype);
        Assert.Equal(0x11223344u, app.Ssrc);
        Assert.Equal("TEST", Encoding.ASCII.GetString(app.Name));
        Assert.Equal(Convert.FromHexString("0102030405060708"), app.Data.ToArray());
    }

    [Fact]
    public void Rfc3550_6_1_CompoundSenderReportSdesBye_IsReadInOrder()
    {
        byte[] datagram = Convert.FromHexString(SenderReportHex + SdesHex + ByeHex);
        var reader = new RtcpCompoundReader(datagram);
        var types = new List<RtcpPacketType>();
        while (reader.TryReadNext(out var packet))
        {
            types.Add(packet.Header.PacketType);
        }

        Assert.True(reader.IsComplete);
        Assert.Equal(RtcpReadError.None, reader.Error);
        Assert.Equal([RtcpPacketType.SenderReport, RtcpPacketType.SourceDescription, RtcpPacketType.Goodbye], types);
        Assert.Equal(RtcpDatagramKind.Compound, RtcpCompoundReader.Classify(datagram));
    }

    [Fact]
    public void Rfc3550_6_1_CompoundWriter_BuildsReportSdesBye()
    {
        var buffer = new byte[256];
        var writer = new RtcpCompoundWriter(buffer);
        uint[] leaving = [0x11223344];

        Assert.True(writer.TryAdd(new ReceiverReport { Ssrc = 0x11223344 }));
        Assert.True(writer.TryAddCanonicalName(0x11223344, "abcd"u8));
        Assert.True(writer.TryAdd(new Goodbye { Sources = new(leaving), Reason = "bye!"u8 }));

        Assert.Equal("80C90001" + "11223344" + SdesHex + ByeHex, Convert.ToHexString(writer.WrittenSpan));
        Assert.Equal(RtcpDatagramKind.Compound, RtcpCompoundReader.Classify(writer.WrittenSpan));
    }

    [Fact]
    public void Rfc3550_A_2_PaddingOnLastPacketIsAccepted()
    {
        // RR whose last word is padding with count 4.
        byte[] datagram = Convert.FromHexString("80C90001" + "11223344" + "A0C90002" + "55667788" + "00000004");
        var reader = new RtcpCompoundReader(datagram);
        Assert.True(reader.TryReadNext(out _));
        Assert.True(reader.TryReadNext(out var padded));

        Assert.Equal(4, padded.PaddingLength);
        Assert.Equal(4, padded.Body.Length);
        Assert.True(ReceiverReport.TryParse(padded.Bytes, out var rr));
        Assert.Equal(0x55667788u, rr.Ssrc);
        Assert.Equal(RtcpDatagramKind.Compound, RtcpCompoundReader.Classify(datagram));
    }

    [Fact]
    public void Rfc3550_A_2_PaddingOnlyOnLastPacket()
    {
        byte[] datagram = Convert.FromHexString("A0C90002" + "11223344" + "00000004" + SdesHex);
        var reader = new RtcpCompoundReader(datagram);

        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtcpReadError.PaddingNotLast, reader.Error);
        Assert.Equal(RtcpDatagramKind.Invalid, RtcpCompoundReader.Classify(datagram));
    }

    [Fact]
    public void Rfc5506_3_1_ReducedSizeSingleFeedbackPacketIsAccepted()
    {
        // PSFB FMT=1 (PLI, RFC 4585 §6.3.1): sender SSRC, media SSRC; not a known type here, kept raw.
        byte[] datagram = Convert.FromHexString("81CE0002" + "11223344" + "55667788");
        var reader = new RtcpCompoundReader(datagram);

        Assert.True(reader.TryReadNext(out var packet));
        Assert.Equal(RtcpPacketType.PayloadFeedback, packet.Header.PacketType);
        Assert.Equal(1, packet.Header.Count);
        Assert.Equal(Convert.FromHexString("1122334455667788"), packet.Body.ToArray());
        Assert.False(reader.TryReadNext(out _));
        Assert.True(reader.IsComplete);
        Assert.Equal(RtcpDatagramKind.ReducedSize, RtcpCompoundReader.Classify(datagram));
    }

    [Fact]
    public void Rfc5506_3_1_UnknownTypePassesThroughWriterVerbatim()
    {
        byte[] feedback = Convert.FromHexString("8FCD0003" + "11223344" + "55667788" + "DEADBEEF");
        var buffer = new byte[64];
        var writer = new RtcpCompoundWriter(buffer);

        Assert.True(writer.TryAddRaw(feedback));

        Assert.Equal(feedback, writer.WrittenSpan.ToArray());
        Assert.Equal(RtcpDatagramKind.ReducedSize, RtcpCompoundReader.Classify(writer.WrittenSpan));
    }

    [Theory]
    [InlineData("80C80006", true)] // SR
    [InlineData("80C90001", true)] // RR
    [InlineData("81CE0002", true)] // PSFB
    [InlineData("806F0001", false)] // RTP, PT 111
    [InlineData("80EF0001", false)] // RTP, PT 111 with marker
    public void Rfc5761_4_RtcpIsDistinguishedFromRtpBySecondOctet(string hex, bool isRtcp)
    {
        Assert.Equal(isRtcp, RtcpHeader.IsRtcp(Convert.FromHexString(hex)));
    }

    private static List<ReportBlock> ToList(ReportBlockList blocks)
    {
        var list = new List<ReportBlock>();
        foreach (var block in blocks)
        {
            list.Add(block);
        }

        return list;
    }
}
