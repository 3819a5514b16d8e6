using System.Buffers.Binary;
using System.Net;
using System.Text;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

/// <summary>Regression tests, each named for the RFC clause whose behaviour it pins.</summary>
public sealed class StunRfc8489ClauseTests
{
    private static readonly byte[] Key = StunCredentials.ShortTermKey("9o3bXYsHkXqXQR7qk1R0W3Cg");

    [Fact]
    public void Rfc8445_Section7_3_1_1_RoleConflict487_ErrorResponse_RoundTrips()
    {
        var id = StunTransactionId.NewRandom();
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, id);
        Assert.True(writer.TryAddErrorCode(StunErrorCode.RoleConflict));
        Assert.True(writer.TryFinish(Key, out int written));

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, written), out StunMessageView message));
        Assert.Equal(StunMessageType.BindingErrorResponse, message.MessageType);
        Assert.Equal(0x0111, message.MessageType.ToUInt16());
        Assert.Equal(id, message.TransactionId);
        Assert.True(message.TryGetErrorCode(out StunErrorCode code, out ReadOnlySpan<byte> reason));
        Assert.Equal(StunErrorCode.RoleConflict, code);
        Assert.Equal("Role Conflict", Encoding.UTF8.GetString(reason));
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc8489_Section14_8_ErrorCode_EncodesClassAndNumberSeparately()
    {
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddErrorCode(StunErrorCode.RoleConflict, "x"));

        ReadOnlySpan<byte> value = writer.Written.Slice(StunMessage.HeaderLength + 4, 5);
        Assert.Equal([0, 0, 4, 87, (byte)'x'], value.ToArray());
    }

    [Theory]
    [InlineData(StunErrorCode.BadRequest)]
    [InlineData(StunErrorCode.Unauthenticated)]
    [InlineData(StunErrorCode.UnknownAttribute)]
    [InlineData(StunErrorCode.RoleConflict)]
    [InlineData(StunErrorCode.ServerError)]
    public void Rfc8489_Section14_8_ErrorCodes_RoundTrip(StunErrorCode expected)
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddErrorCode(expected));

        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.True(message.TryGetErrorCode(out StunErrorCode code, out ReadOnlySpan<byte> reason));
        Assert.Equal(expected, code);
        Assert.Equal(expected.DefaultReason(), Encoding.UTF8.GetString(reason));
    }

    [Fact]
    public void Rfc8489_Section14_2_XorMappedAddress_IPv6_XorsWithTransactionId()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 50000);
        var address = StunAddress.FromEndPoint(endPoint);
        byte[] first = WriteXorMapped(address, StunTransactionId.FromBytes(Convert.FromHexString("000000000000000000000000")));
        byte[] second = WriteXorMapped(address, StunTransactionId.FromBytes(Convert.FromHexString("0102030405060708090a0b0c")));

        // Bytes 4..7 of the address are XORed with the cookie, bytes 8..19 with the transaction id.
        ReadOnlySpan<byte> a = first.AsSpan(StunMessage.HeaderLength + 4 + 4, 16);
        ReadOnlySpan<byte> b = second.AsSpan(StunMessage.HeaderLength + 4 + 4, 16);
        Assert.True(a[..4].SequenceEqual(b[..4]));
        for (int i = 4; i < 16; i++)
        {
            Assert.Equal(a[i] ^ (i - 3), b[i]);
        }

        // Port: XOR with the cookie's top 16 bits, independent of the transaction id.
        Assert.Equal(50000 ^ 0x2112, BinaryPrimitives.ReadUInt16BigEndian(second.AsSpan(StunMessage.HeaderLength + 6)));

        Assert.True(StunMessage.TryParse(second, out StunMessageView message));
        Assert.True(message.TryGetXorMappedAddress(out StunAddress decoded));
        Assert.Equal(endPoint, decoded.ToEndPoint());
    }

    [Fact]
    public void Rfc8489_Section14_2_XorMappedAddress_IPv6_DecodedWithWrongTransactionIdDiffers()
    {
        var address = StunAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 50000));
        byte[] bytes = WriteXorMapped(address, StunTransactionId.NewRandom());
        bytes[StunMessage.HeaderLength - 1] ^= 0xFF; // change the transaction id after the fact

        Assert.True(StunMessage.TryParse(bytes, out StunMessageView message));
        Assert.True(message.TryGetXorMappedAddress(out StunAddress decoded));
        Assert.NotEqual(address, decoded);
    }

    [Fact]
    public void Rfc8489_Section14_1_MappedAddress_IsNotXored()
    {
        var address = StunAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddMappedAddress(address));

        Assert.Equal(Convert.FromHexString("0001000800018055c0000201"), writer.Written[StunMessage.HeaderLength..].ToArray());
        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.True(message.TryGetMappedAddress(out StunAddress decoded));
        Assert.Equal(address, decoded);
        Assert.False(message.TryGetXorMappedAddress(out _));
    }

    [Fact]
    public void Rfc8489_Section14_7_MessageIntegrity_ThenFingerprint_FingerprintIsLastAndCoversIntegrity()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddUsername("remote:local"));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());
        int length = writer.BytesWritten;

        // Last attribute is FINGERPRINT, directly preceded by MESSAGE-INTEGRITY.
        Assert.Equal((ushort)StunAttributeType.Fingerprint, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(length - 8)));
        Assert.Equal((ushort)StunAttributeType.MessageIntegrity, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(length - 32)));

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessageView message));
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());

        // Flip one MAC bit: the fingerprint covers MESSAGE-INTEGRITY, so both checks fail.
        buffer[length - 10] ^= 0x01;
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out message));
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc8489_Section14_7_AttributeAfterFingerprint_IsRejected()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddFingerprint());
        Assert.Throws<InvalidOperationException>(() => AddPriorityAfterFinish(buffer));

        // Hand-craft the forbidden order on the wire.
        byte[] bytes = [.. buffer.AsSpan(0, writer.BytesWritten), .. Convert.FromHexString("002400040000000a")];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - StunMessage.HeaderLength));
        Assert.False(StunMessage.TryParse(bytes, out _, out StunParseError error));
        Assert.Equal(StunParseError.AttributeAfterFingerprint, error);
    }

    [Fact]
    public void Rfc8489_Section14_5_AttributesAfterMessageIntegrity_AreIgnored()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddMessageIntegrity(Key));
        int withIntegrity = writer.BytesWritten;

        // Append PRIORITY and an unknown comprehension-required attribute after MESSAGE-INTEGRITY.
        byte[] bytes = [.. buffer.AsSpan(0, withIntegrity), .. Convert.FromHexString("002400040000000a" + "7f0100040000beef")];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - StunMessage.HeaderLength));

        Assert.True(StunMessage.TryParse(bytes, out StunMessageView message));
        Assert.False(message.TryGetPriority(out _));
        Assert.Equal(0, message.UnknownComprehensionRequiredCount);
        Assert.True(message.VerifyMessageIntegrity(Key));
        int all = 0;
        foreach (StunAttributeView _ in message.GetAttributes())
        {
            all++;
        }

        Assert.Equal(3, all);
    }

    [Fact]
    public void Rfc8489_Section14_6_MessageIntegritySha256_AfterMessageIntegrity_BothVerify()
    {
        var buffer = new byte[160];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddUsername("a:b"));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddMessageIntegritySha256(Key, length: 16));
        Assert.True(writer.TryAddFingerprint());

        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.True(message.HasMessageIntegritySha256);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyMessageIntegritySha256(Key));
        Assert.False(message.VerifyMessageIntegritySha256(StunCredentials.ShortTermKey("other")));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Rfc8489_Section6_3_1_UnknownComprehensionRequiredAttribute_IsReportedFor420()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddAttribute((StunAttributeType)0x7F01, [1, 2, 3]));
        Assert.True(writer.TryAddAttribute((StunAttributeType)0xC001, [4]));   // comprehension-optional: skipped
        Assert.True(writer.TryAddAttribute((StunAttributeType)0x0002, []));    // RESPONSE-ADDRESS, not understood
        Assert.True(writer.TryAddPriority(7));

        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView request));
        Assert.Equal(2, request.UnknownComprehensionRequiredCount);
        Span<StunAttributeType> unknown = stackalloc StunAttributeType[4];
        int count = request.CopyUnknownComprehensionRequired(unknown);
        Assert.Equal([(StunAttributeType)0x7F01, (StunAttributeType)0x0002], unknown[..count].ToArray());

        // The optional one stays readable; known ones still parse.
        Assert.True(request.TryGetAttribute((StunAttributeType)0xC001, out ReadOnlySpan<byte> optional));
        Assert.Equal([4], optional.ToArray());
        Assert.True(request.TryGetPriority(out uint priority));
        Assert.Equal(7u, priority);

        // The 420 answer lists them in UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).
        var responseBuffer = new byte[128];
        var response = new StunMessageWriter(responseBuffer, StunMessageType.BindingErrorResponse, request.TransactionId);
        Assert.True(response.TryAddErrorCode(StunErrorCode.UnknownAttribute));
        Assert.True(response.TryAddUnknownAttributes(unknown[..count]));
        Assert.True(StunMessage.TryParse(response.Written, out StunMessageView parsed));
        Assert.True(parsed.TryGetErrorCode(out StunErrorCode code, out _));
        Assert.Equal(StunErrorCode.UnknownAttribute, code);
        Span<StunAttributeType> listed = stackalloc StunAttributeType[4];
        Assert.True(parsed.TryGetUnknownAttributes(listed, out int listedCount));
        Assert.Equal(unknown[..count].ToArray(), listed[..listedCount].ToArray());
    }

    [Fact]
    public void Rfc8489_Section14_OddLengthUsername_IsPaddedToFourBytes()
    {
        var buffer = new byte[64];
        buffer.AsSpan().Fill(0xAA);
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddUsername("abcde"));

        Assert.Equal(StunMessage.HeaderLength + 4 + 8, writer.BytesWritten);
        Assert.Equal(12, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(StunMessage.HeaderLength + 2)));
        // RFC 8489 §14: padding is set to zero on sending.
        Assert.Equal([0, 0, 0], buffer.AsSpan(StunMessage.HeaderLength + 4 + 5, 3).ToArray());

        Assert.True(writer.TryAddPriority(1));
        Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message));
        Assert.True(message.TryGetUsername(out ReadOnlySpan<byte> username));
        Assert.Equal("abcde", Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(1u, priority);
    }

    [Theory]
    [InlineData(StunMessageClass.Request, 0x0001)]
    [InlineData(StunMessageClass.Indication, 0x0011)]
    [InlineData(StunMessageClass.SuccessResponse, 0x0101)]
    [InlineData(StunMessageClass.ErrorResponse, 0x0111)]
    public void Rfc8489_Section5_BindingMessageTypes_Encode(StunMessageClass messageClass, int expected)
    {
        var type = new StunMessageType(StunMethod.Binding, messageClass);
        Assert.Equal(expected, type.ToUInt16());
        Assert.True(StunMessageType.TryFromUInt16((ushort)expected, out StunMessageType decoded));
        Assert.Equal(type, decoded);
    }

    [Fact]
    public void Rfc8489_Section5_MessageType_InterleavesClassBitsIntoMethod()
    {
        // Method 0xFFF with class 0b11 sets every one of the 14 bits.
        Assert.Equal(0x3FFF, new StunMessageType((StunMethod)0xFFF, StunMessageClass.ErrorResponse).ToUInt16());
        Assert.Equal(0x3EEF, new StunMessageType((StunMethod)0xFFF, StunMessageClass.Request).ToUInt16());
        Assert.False(StunMessageType.TryFromUInt16(0x4001, out _));
    }

    private static void AddPriorityAfterFinish(byte[] buffer)
    {
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.TryAddFingerprint();
        writer.TryAddPriority(1);
    }

    private static byte[] WriteXorMapped(StunAddress address, StunTransactionId id)
    {
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, id);
        Assert.True(writer.TryAddXorMappedAddress(address));
        return writer.Written.ToArray();
    }
}
