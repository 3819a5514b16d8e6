using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Serverless.WebRtc.Stun;

/// <summary>
/// A transport address as carried by (XOR-)MAPPED-ADDRESS (RFC 8489 §14.1): family, port and
/// the 32- or 128-bit address, held as a value so reading it allocates nothing.
/// </summary>
internal readonly struct StunAddress : IEquatable<StunAddress>
{
    /// <summary>Wire family code for IPv4 (RFC 8489 §14.1).</summary>
    internal const byte FamilyIPv4 = 0x01;

    /// <summary>Wire family code for IPv6.</summary>
    internal const byte FamilyIPv6 = 0x02;

    // Address bits big-endian; an IPv4 address sits in the low 32 bits.
    private readonly UInt128 _address;

    private StunAddress(AddressFamily family, UInt128 address, ushort port)
    {
        Family = family;
        _address = address;
        Port = port;
    }

    /// <summary><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</summary>
    public AddressFamily Family { get; }

    /// <summary>The port.</summary>
    public ushort Port { get; }

    /// <summary>Length of the attribute value on the wire: 8 for IPv4, 20 for IPv6.</summary>
    public int WireLength => Family == AddressFamily.InterNetwork ? 8 : 20;

    internal UInt128 AddressBits => _address;

    /// <summary>An IPv4 address from its 32 bits (network order as an integer) and a port.</summary>
    public static StunAddress FromIPv4(uint address, ushort port) => new(AddressFamily.InterNetwork, address, port);

    /// <summary>An IPv6 address from its 128 bits (network order as an integer) and a port.</summary>
    public static StunAddress FromIPv6(UInt128 address, ushort port) => new(AddressFamily.InterNetworkV6, address, port);

    /// <summary>From an endpoint; only IPv4 and IPv6 exist in STUN.</summary>
    public static StunAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        if (!endPoint.Address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("Address could not be written.", nameof(endPoint));
        }

        ushort port = checked((ushort)endPoint.Port);
        return written switch
        {
            4 => FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes), port),
            16 => FromIPv6(BinaryPrimitives.ReadUInt128BigEndian(bytes), port),
            _ => throw new ArgumentException("Only IPv4 and IPv6 addresses exist in STUN.", nameof(endPoint)),
        };
    }

    /// <summary>Writes the address bytes (4 or 16) in network order.</summary>
    public bool TryWriteAddressBytes(Span<byte> destination, out int written)
    {
        if (Family == AddressFamily.InterNetwork)
        {
            written = 4;
            return BinaryPrimitives.TryWriteUInt32BigEndian(destination, (uint)_address) || Fail(out written);
        }

        written = 16;
        return BinaryPrimitives.TryWriteUInt128BigEndian(destination, _address) || Fail(out written);
    }

    /// <summary>Converts to an <see cref="IPEndPoint"/> (allocates).</summary>
    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        TryWriteAddressBytes(bytes, out int written);
        return new IPEndPoint(new IPAddress(bytes[..written]), Port);
    }

    /// <inheritdoc/>
    public bool Equals(StunAddress other) => Family == other.Family && Port == other.Port && _address == other._address;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StunAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family, Port, _address);

    /// <inheritdoc/>
    public override string ToString() => Family == default ? "(none)" : ToEndPoint().ToString();

    /// <summary>Equality.</summary>
    public static bool operator ==(StunAddress left, StunAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StunAddress left, StunAddress right) => !left.Equals(right);

    private static bool Fail(out int written)
    {
        written = 0;
        return false;
    }
}
