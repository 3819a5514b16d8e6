using System.Buffers.Binary;
using System.Net.Sockets;
using CsCheck;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

/// <summary>Property tests: anything the writer produces parses back to the same content; no input makes the parser throw.</summary>
public sealed class StunMessagePropertyTests
{
    private sealed record AttributeModel(ushort Type, byte[] Value)
    {
        public override string ToString() => $"{Type:x4}:{Convert.ToHexString(Value)}";
    }

    private sealed record MessageModel(
        ushort Method,
        StunMessageClass Class,
        byte[] TransactionId,
        AttributeModel[] Attributes,
        byte[]? IntegrityKey,
        bool Fingerprint);

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] BigEndian(ulong value) => [.. BigEndian((uint)(value >> 32)), .. BigEndian((uint)value)];

    private static readonly Gen<AttributeModel> GenAddress =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.UShort, Gen.Byte.Array[16], (xor, v6, port, address) =>
        {
            byte[] value = [0, v6 ? (byte)2 : (byte)1, (byte)(port >> 8), (byte)port, .. address.AsSpan(0, v6 ? 16 : 4)];
            return new AttributeModel(xor ? (ushort)StunAttributeType.XorMappedAddress : (ushort)StunAttributeType.MappedAddress, value);
        });

    private static readonly Gen<AttributeModel> GenErrorCode =
        Gen.Select(Gen.Int[StunErrorCodeExtensions.MinCode, StunErrorCodeExtensions.MaxCode], Gen.Byte.Array[0, 40], (code, reason) =>
            new AttributeModel((ushort)StunAttributeType.ErrorCode, [0, 0, (byte)(code / 100), (byte)(code % 100), .. reason]));

    private static readonly Gen<AttributeModel> GenUnknownOptional =
        Gen.Select(Gen.UShort[0x8000, 0xFFFF].Where(t => !((StunAttributeType)t).IsUnderstood()), Gen.Byte.Array[0, 40],
            (type, value) => new AttributeModel(type, value));

    private static readonly Gen<AttributeModel> GenUnknownRequired =
        Gen.Select(Gen.UShort[0x0000, 0x7FFF].Where(t => !((StunAttributeType)t).IsUnderstood()), Gen.Byte.Array[0, 12],
            (type, value) => new AttributeModel(type, value));

    private static readonly Gen<AttributeModel> GenAttribute = Gen.Frequency(
        (3, Gen.Byte.Array[0, 64].Select(v => new AttributeModel((ushort)StunAttributeType.Username, v))),
        (2, Gen.Byte.Array[0, 40].Select(v => new AttributeModel((ushort)StunAttributeType.Software, v))),
        (2, Gen.UInt.Select(p => new AttributeModel((ushort)StunAttributeType.Priority, BigEndian(p)))),
        (1, Gen.Const(new AttributeModel((ushort)StunAttributeType.UseCandidate, []))),
        (2, Gen.ULong.Select(t => new AttributeModel((ushort)StunAttributeType.IceControlling, BigEndian(t)))),
        (2, Gen.ULong.Select(t => new AttributeModel((ushort)StunAttributeType.IceControlled, BigEndian(t)))),
        (2, GenAddress),
        (1, GenErrorCode),
        (1, Gen.UShort.Array[0, 6].Select(ts => new AttributeModel((ushort)StunAttributeType.UnknownAttributes, [.. ts.SelectMany(t => new[] { (byte)(t >> 8), (byte)t })]))),
        (3, GenUnknownOptional),
        (1, GenUnknownRequired));

    private static readonly Gen<MessageModel> GenMessage =
        Gen.Select(
            Gen.UShort[0, StunMessageType.MaxMethod],
            Gen.Enum<StunMessageClass>(),
            Gen.Byte.Array[StunTransactionId.Length],
            GenAttribute.Array[0, 8],
            Gen.Byte.Array[0, 32].Null(),
            Gen.Bool,
            (method, messageClass, id, attributes, key, fingerprint) => new MessageModel(method, messageClass, id, attributes, key, fingerprint));

    [Fact]
    public void WriteThenParse_YieldsTheSameMessage()
    {
        GenMessage.Sample(model =>
        {
            var buffer = new byte[2048];
            var type = new StunMessageType((StunMethod)model.Method, model.Class);
            var writer = new StunMessageWriter(buffer, type, StunTransactionId.FromBytes(model.TransactionId));
            foreach (AttributeModel attribute in model.Attributes)
            {
                Assert.True(writer.TryAddAttribute((StunAttributeType)attribute.Type, attribute.Value));
            }

            if (model.IntegrityKey is not null)
            {
                Assert.True(writer.TryAddMessageIntegrity(model.IntegrityKey));
            }

            if (model.Fingerprint)
            {
                Assert.True(writer.TryAddFingerprint());
            }

            Assert.True(StunPacket.IsStun(writer.Written));
            Assert.True(StunMessage.TryParse(writer.Written, out StunMessageView message, out StunParseError error), error.ToString());
            Assert.Equal(type, message.MessageType);
            Assert.Equal(StunTransactionId.FromBytes(model.TransactionId), message.TransactionId);

            var parsed = new List<AttributeModel>();
            foreach (StunAttributeView attribute in message.GetAttributes())
            {
                parsed.Add(new AttributeModel((ushort)attribute.Type, attribute.Value.ToArray()));
            }

            int trailer = (model.IntegrityKey is null ? 0 : 1) + (model.Fingerprint ? 1 : 0);
            Assert.Equal(model.Attributes.Length + trailer, parsed.Count);
            for (int i = 0; i < model.Attributes.Length; i++)
            {
                Assert.Equal(model.Attributes[i].Type, parsed[i].Type);
                Assert.Equal(model.Attributes[i].Value, parsed[i].Value);
            }

            int unknownRequired = model.Attributes.Count(a => a.Type < 0x8000 && !((StunAttributeType)a.Type).IsUnderstood());
            Assert.Equal(unknownRequired, message.UnknownComprehensionRequiredCount);
            Assert.Equal(model.IntegrityKey is not null, message.HasMessageIntegrity);
            if (model.IntegrityKey is not null)
            {
                Assert.True(message.VerifyMessageIntegrity(model.IntegrityKey));
                Assert.False(message.VerifyMessageIntegrity([.. model.IntegrityKey, 0x55]));
            }

            Assert.Equal(model.Fingerprint, message.VerifyFingerprint());
        });
    }

    [Fact]
    public void TypedAttributes_RoundTrip()
    {
        Gen.Select(Gen.String.AlphaNumeric, Gen.UInt, Gen.ULong, Gen.Bool, Gen.Bool, Gen.Byte.Array[16], Gen.UShort)
            .Sample((username, priority, tieBreaker, controlling, v6, address, port) =>
            {
                var id = StunTransactionId.NewRandom();
                StunAddress mapped = v6
                    ? StunAddress.FromIPv6(BinaryPrimitives.ReadUInt128BigEndian(address), port)
                    : StunAddress.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(address), port);
                var buffer = new byte[1024];
                var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id);
                Assert.True(writer.TryAddUsername(username));
                Assert.True(writer.TryAddPriority(priority));
                Assert.True(controlling ? writer.TryAddIceControlling(tieBreaker) : writer.TryAddIceControlled(tieBreaker));
                Assert.True(writer.TryAddXorMappedAddress(mapped));
                Assert.True(writer.TryAddUseCandidate());
                Assert.True(writer.TryFinish("pw"u8, out int written));

                Assert.True(StunMessage.TryParse(buffer.AsSpan(0, written), out StunMessageView message));
                Assert.True(message.TryGetUsername(out ReadOnlySpan<byte> name));
                Assert.Equal(username, System.Text.Encoding.UTF8.GetString(name));
                Assert.True(message.TryGetPriority(out uint p));
                Assert.Equal(priority, p);
                ulong t;
                Assert.True(controlling ? message.TryGetIceControlling(out t) : message.TryGetIceControlled(out t));
                Assert.Equal(tieBreaker, t);
                Assert.True(message.TryGetXorMappedAddress(out StunAddress a));
                Assert.Equal(mapped, a);
                Assert.Equal(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, a.Family);
                Assert.True(message.HasUseCandidate);
                Assert.True(message.VerifyMessageIntegrity("pw"u8));
                Assert.True(message.VerifyFingerprint());
            });
    }

    [Fact]
    public void ArbitraryBytes_NeverThrow()
    {
        Gen.Byte.Array[0, 256].Sample(bytes => ExerciseParser(bytes));
    }

    [Fact]
    public void ArbitraryAttributeBodies_BehindValidHeader_NeverThrow()
    {
        // A random body behind a well-formed header reaches the attribute walk, which pure noise rarely does.
        Gen.Select(Gen.UInt[0, 63].Select(n => (int)n * 4), Gen.Byte.Array[256], Gen.Byte.Array[8])
            .Sample((length, body, tweaks) =>
            {
                var bytes = new byte[StunMessage.HeaderLength + length];
                _ = new StunMessageWriter(bytes, StunMessageType.BindingRequest, StunTransactionId.NewRandom()); // header only
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)length);
                body.AsSpan(0, length).CopyTo(bytes.AsSpan(StunMessage.HeaderLength));
                // Bias some attribute headers towards understood types with short lengths.
                if (length >= 4)
                {
                    bytes[StunMessage.HeaderLength] = (byte)(tweaks[0] & 0x80);
                    bytes[StunMessage.HeaderLength + 1] = (byte)(tweaks[1] & 0x2F);
                    bytes[StunMessage.HeaderLength + 2] = 0;
                    bytes[StunMessage.HeaderLength + 3] = (byte)(tweaks[2] % (length - 3));
                }

                ExerciseParser(bytes);
            });
    }

    private static void ExerciseParser(byte[] bytes)
    {
        _ = StunPacket.IsStun(bytes);
        if (!StunMessage.TryParse(bytes, out StunMessageView message, out StunParseError error))
        {
            Assert.NotEqual(StunParseError.None, error);
            return;
        }

        foreach (StunAttributeView attribute in message.GetAttributes())
        {
            _ = attribute.Value.Length;
        }

        Span<StunAttributeType> types = stackalloc StunAttributeType[8];
        _ = message.CopyUnknownComprehensionRequired(types);
        _ = message.TryGetUnknownAttributes(types, out _);
        _ = message.TryGetUsername(out _);
        _ = message.TryGetPriority(out _);
        _ = message.TryGetIceControlling(out _);
        _ = message.TryGetIceControlled(out _);
        _ = message.TryGetXorMappedAddress(out _);
        _ = message.TryGetMappedAddress(out _);
        _ = message.TryGetErrorCode(out _, out _);
        _ = message.VerifyMessageIntegrity("key"u8);
        _ = message.VerifyMessageIntegritySha256("key"u8);
        _ = message.VerifyFingerprint();
    }
}
