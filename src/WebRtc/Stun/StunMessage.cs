using System.Buffers.Binary;

namespace Serverless.WebRtc.Stun;

/// <summary>STUN message framing constants and the zero-allocation parser (RFC 8489 §5, §6.3).</summary>
internal static class StunMessage
{
    /// <summary>Fixed header length.</summary>
    public const int HeaderLength = 20;

    /// <summary>Type + length of every attribute.</summary>
    public const int AttributeHeaderLength = 4;

    /// <summary>The magic cookie, 0x2112A442 (RFC 8489 §5).</summary>
    public const uint MagicCookie = 0x2112A442;

    /// <summary>Largest value of the 16-bit length field that is a multiple of 4.</summary>
    public const int MaxBodyLength = ushort.MaxValue & ~3;

    /// <summary>Rounds a value length up to the 4-byte attribute boundary (RFC 8489 §14).</summary>
    public static int Pad(int length) => (length + 3) & ~3;

    /// <summary>Parses a message; on failure <paramref name="message"/> is default.</summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out StunMessageView message) =>
        TryParse(buffer, out message, out _);

    /// <summary>Parses a message and says why it was rejected. Never throws on bad input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out StunMessageView message, out StunParseError error)
    {
        message = default;
        error = CheckHeader(buffer, out StunMessageType type);
        if (error != StunParseError.None)
        {
            return false;
        }

        var scan = new AttributeScan();
        error = scan.Run(buffer);
        if (error != StunParseError.None)
        {
            return false;
        }

        var transactionId = StunTransactionId.FromBytes(buffer.Slice(8, StunTransactionId.Length));
        message = new StunMessageView(buffer, type, transactionId, scan);
        return true;
    }

    private static StunParseError CheckHeader(ReadOnlySpan<byte> buffer, out StunMessageType type)
    {
        type = default;
        if (buffer.Length < HeaderLength)
        {
            return StunParseError.TooShort;
        }

        if (!StunMessageType.TryFromUInt16(BinaryPrimitives.ReadUInt16BigEndian(buffer), out type))
        {
            return StunParseError.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]) != MagicCookie)
        {
            return StunParseError.BadMagicCookie;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        if ((length & 3) != 0)
        {
            return StunParseError.LengthNotMultipleOfFour;
        }

        return HeaderLength + length == buffer.Length ? StunParseError.None : StunParseError.LengthMismatch;
    }
}
