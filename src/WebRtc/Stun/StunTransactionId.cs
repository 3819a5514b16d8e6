using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Serverless.WebRtc.Stun;

/// <summary>The 96-bit STUN transaction id (RFC 8489 §5), held in two integers so it is a cheap value.</summary>
internal readonly struct StunTransactionId : IEquatable<StunTransactionId>
{
    /// <summary>Length on the wire, in bytes.</summary>
    public const int Length = 12;

    private readonly ulong _high;
    private readonly uint _low;

    private StunTransactionId(ulong high, uint low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>
    /// A fresh id from a cryptographically strong source: RFC 8489 §5 requires it to be
    /// uniformly and randomly chosen so responses cannot be forged by guessing.
    /// </summary>
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return FromBytes(bytes);
    }

    /// <summary>Reads an id from exactly 12 bytes.</summary>
    public static StunTransactionId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A STUN transaction id is {Length} bytes.", nameof(bytes));
        }

        return new StunTransactionId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));
    }

    /// <summary>Writes the 12 bytes to <paramref name="destination"/>, which must hold at least 12 bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _low);
    }

    /// <summary>The id as a 96-bit big-endian integer, the low 96 bits of the XOR mask for IPv6 (RFC 8489 §14.2).</summary>
    internal UInt128 ToUInt128() => ((UInt128)_high << 32) | _low;

    /// <inheritdoc/>
    public bool Equals(StunTransactionId other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StunTransactionId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Lower-case hex of the 12 bytes.</summary>
    public override string ToString() => $"{_high:x16}{_low:x8}";

    /// <summary>Equality.</summary>
    public static bool operator ==(StunTransactionId left, StunTransactionId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StunTransactionId left, StunTransactionId right) => !left.Equals(right);
}
