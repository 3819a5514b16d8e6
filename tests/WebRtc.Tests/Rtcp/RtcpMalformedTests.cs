using Serverless.WebRtc.Rtcp;

namespace Serverless.WebRtc.Tests.Rtcp;

/// <summary>Malformed RTCP is rejected by TryParse returning false (or a reader error), never by an exception.</summary>
public sealed class RtcpMalformedTests
{
    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("80C900")]
    public void Rfc3550_6_4_1_TruncatedHeaderIsRejected(string hex)
    {
        byte[] data = Convert.FromHexString(hex);

        Assert.False(RtcpPacket.TryParse(data, out _));
        Assert.False(ReceiverReport.TryParse(data, out _));
        var reader = new RtcpCompoundReader(data);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(data.Length == 0 ? RtcpReadError.None : RtcpReadError.Truncated, reader.Error);
        Assert.Equal(RtcpDatagramKind.Invalid, RtcpCompoundReader.Classify(data));
    }

    [Fact]
    public void Rfc3550_6_4_1_LengthFieldBeyondDatagramIsRejected()
    {
        byte[] data = Convert.FromHexString("80C90005" + "11223344");

        Assert.False(ReceiverReport.TryParse(data, out _));
        var reader = new RtcpCompoundReader(data);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtcpReadError.Truncated, reader.Error);
    }

    [Fact]
    public void Rfc3550_A_2_SecondPacketLengthBeyondDatagramStopsReader()
    {
        byte[] data = Convert.FromHexString("80C90001" + "11223344" + "81CA0009" + "11223344");
        var reader = new RtcpCompoundReader(data);

        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtcpReadError.Truncated, reader.Error);
        Assert.False(reader.IsComplete);
        Assert.Equal(RtcpDatagramKind.Invalid, RtcpCompoundReader.Classify(data));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("40")]
    [InlineData("C0")]
    public void Rfc3550_6_4_1_VersionOtherThanTwoIsRejected(string firstOctet)
    {
        byte[] data = Convert.FromHexString(firstOctet + "C90001" + "11223344");

        Assert.False(RtcpPacket.TryParse(data, out _));
        var reader = new RtcpCompoundReader(data);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtcpReadError.UnsupportedVersion, reader.Error);
    }

    [Theory]
    [InlineData("A0C90002" + "11223344" + "00000000")] // count 0
    [InlineData("A0C90002" + "11223344" + "00000009")] // count beyond body
    public void Rfc3550_6_4_1_InvalidPaddingCountIsRejected(string hex)
    {
        byte[] data = Convert.FromHexString(hex);

        Assert.False(RtcpPacket.TryParse(data, out _));
        var reader = new RtcpCompoundReader(data);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtcpReadError.InvalidPadding, reader.Error);
    }

    [Fact]
    public void Rfc3550_6_4_1_ReportCountBeyondPacketIsRejected()
    {
        // RC = 2 but one block present.
        byte[] data = Convert.FromHexString("82C90007" + "11223344" + "55667788" + "40FFFFFE" + "00010005" + "00000020" + "12345678" + "00018000");

        Assert.False(ReceiverReport.TryParse(data, out _));
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReportShorterThanSenderInfoIsRejected()
    {
        byte[] data = Convert.FromHexString("80C80002" + "11223344" + "E5000000");

        Assert.False(SenderReport.TryParse(data, out _));
    }

    [Fact]
    public void Rfc3550_6_4_1_PaddedReportWithPartialExtensionWordParsesButCannotBeRewritten()
    {
        // SR, 2 bytes of profile extension, then 2 padding octets (count 2): legal on the wire, not re-framable.
        byte[] data = Convert.FromHexString("A0C80007" + "11223344" + "E500000080000000" + "000003E8" + "0000000A" + "00000640" + "ABCD0002");

        Assert.True(SenderReport.TryParse(data, out var sr));
        Assert.Equal(new byte[] { 0xAB, 0xCD }, sr.ProfileExtensions.ToArray());
        Assert.False(sr.TryWrite(new byte[64], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TypedParserRejectsOtherPacketType()
    {
        byte[] rr = Convert.FromHexString("80C90001" + "11223344");

        Assert.False(SenderReport.TryParse(rr, out _));
        Assert.False(SourceDescription.TryParse(rr, out _));
        Assert.False(Goodbye.TryParse(rr, out _));
        Assert.False(ApplicationDefined.TryParse(rr, out _));
    }

    [Theory]
    [InlineData("81CA0002" + "11223344" + "01106162")] // item length 16 beyond packet
    [InlineData("81CA0002" + "11223344" + "01026162")] // no END octet inside the packet
    [InlineData("82CA0003" + "11223344" + "01026162" + "00000000")] // SC = 2, one chunk
    [InlineData("81CA0000")] // SC = 1 but no room even for the SSRC
    public void Rfc3550_6_5_MalformedChunkIsRejected(string hex)
    {
        Assert.False(SourceDescription.TryParse(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [InlineData("82CB0001" + "11223344")] // SC = 2, one SSRC
    [InlineData("81CB0002" + "11223344" + "08616263")] // reason length 8 beyond packet
    public void Rfc3550_6_6_MalformedGoodbyeIsRejected(string hex)
    {
        Assert.False(Goodbye.TryParse(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Rfc3550_6_7_ApplicationDefinedWithoutNameIsRejected()
    {
        Assert.False(ApplicationDefined.TryParse(Convert.FromHexString("80CC0001" + "11223344"), out _));
    }

    [Fact]
    public void CompoundWriter_RejectsRawBytesThatAreNotOnePacket()
    {
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => new RtcpCompoundWriter(buffer).TryAddRaw(Convert.FromHexString("80C90002" + "11223344")));
        Assert.Throws<ArgumentException>(() => new RtcpCompoundWriter(buffer).TryAddRaw(Convert.FromHexString("80C90001" + "11223344" + "00")));
    }

    [Fact]
    public void CompoundWriter_ReportsLackOfRoomWithoutWriting()
    {
        var buffer = new byte[7];
        var writer = new RtcpCompoundWriter(buffer);

        Assert.False(writer.TryAdd(new ReceiverReport { Ssrc = 1 }));
        Assert.Equal(0, writer.Written);
    }
}
