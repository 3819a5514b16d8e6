using Serverless.WebRtc.Rtp;

namespace Serverless.WebRtc.Tests.Rtp;

/// <summary>RFC 8285 header extension elements, one-byte (§4.2) and two-byte (§4.3) forms, read and written.</summary>
public sealed class RtpExtensionRfc8285VectorTests
{
    private static List<(byte Id, byte[] Data)> ReadAll(ushort profile, string hex, out RtpExtensionReadStatus status)
    {
        var elements = new List<(byte, byte[])>();
        var reader = new RtpExtensionReader(profile, Convert.FromHexString(hex));
        while (reader.TryReadNext(out var element))
        {
            elements.Add((element.Id, element.Data.ToArray()));
        }

        status = reader.Status;
        return elements;
    }

    [Fact]
    public void Rfc8285_4_2_OneByteHeader_LengthFieldIsDataLengthMinusOne()
    {
        // id 1 len 0 -> 1 byte; id 2 len 2 -> 3 bytes; then two padding octets.
        var elements = ReadAll(0xBEDE, "10AA" + "22010203" + "0000", out var status);

        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal(2, elements.Count);
        Assert.Equal((byte)1, elements[0].Id);
        Assert.Equal(new byte[] { 0xAA }, elements[0].Data);
        Assert.Equal((byte)2, elements[1].Id);
        Assert.Equal(new byte[] { 1, 2, 3 }, elements[1].Data);
    }

    [Fact]
    public void Rfc8285_4_2_OneByteHeader_SixteenByteElement()
    {
        var elements = ReadAll(0xBEDE, "EF" + "000102030405060708090A0B0C0D0E0F" + "000000", out var status);

        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        var element = Assert.Single(elements);
        Assert.Equal((byte)14, element.Id);
        Assert.Equal(16, element.Data.Length);
    }

    [Fact]
    public void Rfc8285_4_2_OneByteHeader_Id15StopsParsing()
    {
        // Elements before id 15 stand; its length and everything after it are ignored.
        var elements = ReadAll(0xBEDE, "10AA" + "F3" + "30BB" + "000000", out var status);

        Assert.Equal(RtpExtensionReadStatus.Terminated, status);
        var element = Assert.Single(elements);
        Assert.Equal((byte)1, element.Id);
    }

    [Fact]
    public void Rfc8285_4_1_PaddingOctetsBetweenElementsAreSkipped()
    {
        var elements = ReadAll(0xBEDE, "10AA0000" + "20BB0000", out var status);

        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal([1, 2], elements.Select(e => e.Id));
    }

    [Fact]
    public void Rfc8285_4_2_OneByteHeader_IdZeroIsSkippedAsPadding()
    {
        var elements = ReadAll(0xBEDE, "0310AA00", out var status);

        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal((byte)1, Assert.Single(elements).Id);
    }

    [Fact]
    public void Rfc8285_4_1_LongRunOfPaddingIsSkippedIteratively()
    {
        // The largest extension a UDP datagram can carry, all id-0 bytes: must not recurse per byte.
        var data = new byte[65_000];
        data.AsSpan().Fill(0x01);
        var reader = new RtpExtensionReader(RtpExtensionProfiles.OneByte, data);

        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(RtpExtensionReadStatus.Complete, reader.Status);
    }

    [Fact]
    public void Rfc8285_4_2_OneByteHeader_ElementPastEndIsMalformed()
    {
        // id 1 claims 4 bytes, only 3 remain.
        var elements = ReadAll(0xBEDE, "13AABBCC", out var status);

        Assert.Equal(RtpExtensionReadStatus.Malformed, status);
        Assert.Empty(elements);
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteHeader_IdAndLengthOctets()
    {
        // id 1 empty; id 2 two bytes; a padding octet; id 255 one byte; trailing padding.
        var elements = ReadAll(0x1000, "0100" + "0202CCDD" + "00" + "FF01EE" + "0000", out var status);

        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal(3, elements.Count);
        Assert.Equal((byte)1, elements[0].Id);
        Assert.Empty(elements[0].Data);
        Assert.Equal(new byte[] { 0xCC, 0xDD }, elements[1].Data);
        Assert.Equal((byte)255, elements[2].Id);
        Assert.Equal(new byte[] { 0xEE }, elements[2].Data);
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteHeader_AppBitsDoNotChangeTheForm()
    {
        Assert.True(RtpExtensionProfiles.TryGetForm(0x100F, out var form));
        Assert.Equal(RtpExtensionForm.TwoByte, form);
        var elements = ReadAll(0x100F, "0F01AA00", out var status);
        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal((byte)15, Assert.Single(elements).Id); // 15 is an ordinary id in the two-byte form
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteHeader_LengthOctetPastEndIsMalformed()
    {
        var elements = ReadAll(0x1000, "0105AABB", out var status);

        Assert.Equal(RtpExtensionReadStatus.Malformed, status);
        Assert.Empty(elements);
    }

    [Fact]
    public void Rfc8285_4_1_OtherProfilesAreNotElements()
    {
        Assert.False(RtpExtensionProfiles.TryGetForm(0x1234, out _));
        var elements = ReadAll(0x1234, "10AA0000", out var status);

        Assert.Equal(RtpExtensionReadStatus.UnsupportedProfile, status);
        Assert.Empty(elements);
    }

    [Fact]
    public void Rfc8285_4_2_OneByteWriter_PadsToWordBoundaryWithZeros()
    {
        var buffer = new byte[16];
        var writer = new RtpExtensionWriter(buffer, RtpExtensionForm.OneByte);

        Assert.True(writer.TryAdd(1, [0x9F]));
        Assert.True(writer.TryAdd(3, [0xAB, 0xCD, 0xEF]));
        Assert.True(writer.TryFinish(out var data));

        Assert.Equal(RtpExtensionProfiles.OneByte, writer.Profile);
        Assert.Equal(Convert.FromHexString("109F32ABCDEF0000"), data.ToArray());
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteWriter_AllowsEmptyAndLongElements()
    {
        var buffer = new byte[300];
        var writer = new RtpExtensionWriter(buffer, RtpExtensionForm.TwoByte);
        var longData = Enumerable.Range(0, 17).Select(i => (byte)i).ToArray();

        Assert.True(writer.TryAdd(20, []));
        Assert.True(writer.TryAdd(200, longData));
        Assert.True(writer.TryFinish(out var data));

        Assert.Equal(24, data.Length);
        var elements = ReadAll(writer.Profile, Convert.ToHexString(data), out var status);
        Assert.Equal(RtpExtensionReadStatus.Complete, status);
        Assert.Equal([20, 200], elements.Select(e => e.Id));
        Assert.Equal(longData, elements[1].Data);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void Rfc8285_4_2_OneByteWriter_RejectsReservedIds(byte id)
    {
        var buffer = new byte[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpExtensionWriter(buffer, RtpExtensionForm.OneByte).TryAdd(id, [1]));
    }

    [Fact]
    public void Rfc8285_4_2_OneByteWriter_RejectsEmptyAndOversizedData()
    {
        var buffer = new byte[32];
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpExtensionWriter(buffer, RtpExtensionForm.OneByte).TryAdd(1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpExtensionWriter(buffer, RtpExtensionForm.OneByte).TryAdd(1, new byte[17]));
    }

    [Fact]
    public void Rfc8285_4_1_WriterReportsLackOfRoom()
    {
        var buffer = new byte[4];
        var writer = new RtpExtensionWriter(buffer, RtpExtensionForm.OneByte);

        Assert.True(writer.TryAdd(1, [1, 2]));
        Assert.False(writer.TryAdd(2, [1, 2]));
        Assert.True(writer.TryFinish(out var data));
        Assert.Equal(Convert.FromHexString("11010200"), data.ToArray());
    }

    [Theory]
    [InlineData(1, 1, RtpExtensionForm.OneByte)]
    [InlineData(14, 16, RtpExtensionForm.OneByte)]
    [InlineData(15, 1, RtpExtensionForm.TwoByte)]
    [InlineData(1, 0, RtpExtensionForm.TwoByte)]
    [InlineData(1, 17, RtpExtensionForm.TwoByte)]
    public void Rfc8285_4_1_RequiredFormFollowsIdAndLengthLimits(byte id, int length, RtpExtensionForm expected)
    {
        Assert.Equal(expected, RtpExtensionWriter.RequiredForm(id, length));
    }

    [Fact]
    public void Rfc8285_4_2_ForeachOverParsedHeaderExtension()
    {
        Assert.True(RtpHeader.TryParse(RtpTestVectors.LibwebrtcOpusPacket(), out var header));
        var ids = new List<byte>();
        foreach (var element in new RtpExtensionReader(header))
        {
            ids.Add(element.Id);
        }

        Assert.Equal([RtpTestVectors.AudioLevelId, RtpTestVectors.AbsSendTimeId], ids);
    }
}
