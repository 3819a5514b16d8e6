using System.Buffers.Binary;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

/// <summary>Bad input is refused with a typed reason, and tampering defeats the integrity checks.</summary>
public sealed class StunMessageRejectionTests
{
    private static readonly byte[] Key = StunCredentials.ShortTermKey(StunVectors.ShortTermPassword);

    [Fact]
    public void TamperedMessage_FailsIntegrityAndFingerprint()
    {
        byte[] bytes = (byte[])StunVectors.SampleRequest.Clone();
        bytes[StunMessage.HeaderLength + 26] ^= 0x01; // inside the PRIORITY value (bytes 44..47)

        Assert.True(StunMessage.TryParse(bytes, out StunMessageView message));
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyFingerprint());
    }

    [Fact]
    public void TamperedTransactionId_FailsIntegrity()
    {
        byte[] bytes = (byte[])StunVectors.SampleRequest.Clone();
        bytes[10] ^= 0x80;

        Assert.True(StunMessage.TryParse(bytes, out StunMessageView message));
        Assert.False(message.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void WrongPassword_FailsIntegrity()
    {
        Assert.True(StunMessage.TryParse(StunVectors.SampleRequest, out StunMessageView message));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBT")));
        Assert.False(message.VerifyMessageIntegrity([]));
    }

    [Fact]
    public void MissingIntegrityOrFingerprint_VerifyReturnsFalse()
    {
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingIndication, StunTransactionId.NewRandom());

        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.False(message.HasMessageIntegrity);
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyMessageIntegritySha256(Key));
        Assert.False(message.VerifyFingerprint());
    }

    [Fact]
    public void EveryTruncation_FailsToParse()
    {
        byte[] bytes = StunVectors.SampleRequest;
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(StunMessage.TryParse(bytes.AsSpan(0, length), out _, out StunParseError error));
            Assert.NotEqual(StunParseError.None, error);
        }
    }

    [Fact]
    public void ShortBuffer_IsTooShort()
    {
        Assert.False(StunMessage.TryParse(StunVectors.SampleRequest.AsSpan(0, 19), out _, out StunParseError error));
        Assert.Equal(StunParseError.TooShort, error);
    }

    [Fact]
    public void TruncatedWithMatchingLengthField_ReportsAttributeTruncated()
    {
        // Cut inside the FINGERPRINT value but keep the header consistent with the datagram.
        byte[] bytes = StunVectors.SampleRequest[..^4];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - StunMessage.HeaderLength));

        Assert.False(StunMessage.TryParse(bytes, out _, out StunParseError error));
        Assert.Equal(StunParseError.AttributeTruncated, error);
    }

    [Theory]
    [InlineData(0, 0x40, StunParseError.NotStun)]
    [InlineData(0, 0x80, StunParseError.NotStun)]
    [InlineData(4, 0x20, StunParseError.BadMagicCookie)]
    [InlineData(3, 0x5a, StunParseError.LengthNotMultipleOfFour)]
    [InlineData(3, 0x5c, StunParseError.LengthMismatch)]
    public void Rfc8489_Section6_3_HeaderChecks(int index, byte value, StunParseError expected)
    {
        byte[] bytes = (byte[])StunVectors.SampleRequest.Clone();
        bytes[index] = value;

        Assert.False(StunMessage.TryParse(bytes, out _, out StunParseError error));
        Assert.Equal(expected, error);
        Assert.False(StunPacket.IsStun(bytes));
    }

    [Theory]
    [InlineData("0024000300000a00")]           // PRIORITY of 3 bytes
    [InlineData("0025000400000000")]           // USE-CANDIDATE with a value
    [InlineData("802a000400000001")]           // ICE-CONTROLLING of 4 bytes
    [InlineData("0020000800031234c0000201")]   // XOR-MAPPED-ADDRESS with family 3
    [InlineData("0009000400000201")]           // ERROR-CODE class 2
    [InlineData("0009000400000464")]           // ERROR-CODE number 100
    [InlineData("000800040000000a")]           // MESSAGE-INTEGRITY of 4 bytes
    [InlineData("001c000c000000000000000000000000")] // MESSAGE-INTEGRITY-SHA256 of 12 bytes
    public void InvalidUnderstoodAttributeValue_IsRejected(string attributeHex)
    {
        byte[] bytes = WithAttributes(attributeHex);

        Assert.False(StunMessage.TryParse(bytes, out _, out StunParseError error));
        Assert.Equal(StunParseError.InvalidAttributeValue, error);
    }

    [Fact]
    public void IsStun_AcceptsVectorsAndRejectsOtherProtocols()
    {
        Assert.True(StunPacket.IsStun(StunVectors.SampleRequest));
        Assert.True(StunPacket.IsStun(StunVectors.SampleIPv6Response));
        Assert.False(StunPacket.IsStun([]));
        Assert.False(StunPacket.IsStun(StunVectors.SampleRequest.AsSpan(0, 19)));
        Assert.False(StunPacket.IsStun(StunVectors.SampleRequest.AsSpan(0, 24))); // length field disagrees
        byte[] rtp = new byte[40];
        rtp[0] = 0x80;
        Assert.False(StunPacket.IsStun(rtp));
    }

    [Fact]
    public void Writer_RefusesWhenBufferTooSmall_AndLeavesMessageIntact()
    {
        var buffer = new byte[StunMessage.HeaderLength + 8];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddPriority(5));
        Assert.False(writer.TryAddUsername("x"));
        Assert.False(writer.TryAddMessageIntegrity(Key));
        Assert.False(writer.TryFinish(Key, out int written));
        Assert.Equal(0, written);

        Assert.Equal(StunMessage.HeaderLength + 8, writer.BytesWritten);
        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(5u, priority);
        Assert.False(message.HasMessageIntegrity);
    }

    private static byte[] WithAttributes(string attributeHex)
    {
        byte[] attributes = Convert.FromHexString(attributeHex);
        var bytes = new byte[StunMessage.HeaderLength + attributes.Length];
        _ = new StunMessageWriter(bytes, StunMessageType.BindingRequest, StunTransactionId.NewRandom()); // header only
        attributes.CopyTo(bytes, StunMessage.HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)attributes.Length);
        return bytes;
    }
}
