using System.Net;
using System.Net.Sockets;

namespace Serverless.Shared.Security;

/// <summary>What kind of network an IP address belongs to, as far as SSRF is concerned.</summary>
public enum AddressClass
{
    /// <summary>A public unicast address.</summary>
    Public,

    /// <summary>127.0.0.0/8, ::1 (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3).</summary>
    Loopback,

    /// <summary>10/8, 172.16/12, 192.168/16 (RFC 1918).</summary>
    Private,

    /// <summary>100.64.0.0/10 carrier-grade NAT (RFC 6598).</summary>
    CarrierGradeNat,

    /// <summary>169.254/16 (RFC 3927; includes cloud metadata 169.254.169.254), fe80::/10 (RFC 4291 §2.5.6).</summary>
    LinkLocal,

    /// <summary>fc00::/7 unique local (RFC 4193).</summary>
    UniqueLocal,

    /// <summary>224/4, ff00::/8.</summary>
    Multicast,

    /// <summary>0.0.0.0/8, :: (RFC 1122 "this network", RFC 4291 §2.5.2).</summary>
    Unspecified,

    /// <summary>
    /// 240/4 and 255.255.255.255 (RFC 1112 reserved, limited broadcast), and other special-purpose ranges (local-use NAT64
    /// 64:ff9b:1::/48, Teredo 2001::/32, documentation 2001:db8::/32).
    /// </summary>
    Reserved,
}

/// <summary>Classifies addresses into <see cref="AddressClass"/>.</summary>
public static class AddressClassifier
{
    /// <summary>The class of <paramref name="address"/>; IPv4-mapped IPv6 addresses are classified as their IPv4 address.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address) : ClassifyV6(address);
    }

    private static AddressClass ClassifyV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return b[0] switch
        {
            0 => AddressClass.Unspecified,
            10 => AddressClass.Private,
            127 => AddressClass.Loopback,
            100 when (b[1] & 0xC0) == 64 => AddressClass.CarrierGradeNat,
            169 when b[1] == 254 => AddressClass.LinkLocal,
            172 when (b[1] & 0xF0) == 16 => AddressClass.Private,
            192 when b[1] == 168 => AddressClass.Private,
            // 192.0.0.0/24 IETF protocol assignments (RFC 6890), 198.18/15 benchmarking (RFC 2544).
            192 when b[1] == 0 && b[2] == 0 => AddressClass.Reserved,
            198 when (b[1] & 0xFE) == 18 => AddressClass.Reserved,
            >= 224 and <= 239 => AddressClass.Multicast,
            >= 240 => AddressClass.Reserved,
            _ => AddressClass.Public,
        };
    }

    private static AddressClass ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressClass.Loopback;
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressClass.Unspecified;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[0] == 0xFF)
        {
            return AddressClass.Multicast;
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return AddressClass.UniqueLocal;
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return AddressClass.LinkLocal;
        }

        // Site-local fec0::/10 (deprecated, RFC 3879) and the IPv4-compatible ::/96 block carry no public traffic.
        if ((b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) || b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return AddressClass.Reserved;
        }

        // Local-use NAT64 64:ff9b:1::/48 (RFC 8215): the operator picks where the IPv4 address sits and its gateway reaches
        // internal networks; Teredo 2001::/32 (RFC 4380) tunnels to an obfuscated IPv4 client; 2001:db8::/32 is
        // documentation only (RFC 3849). None is a place a callback receiver or an agent lives.
        if ((b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0x00 && b[5] == 0x01)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8))
        {
            return AddressClass.Reserved;
        }

        // NAT64 64:ff9b::/96 (RFC 6052) and 6to4 2002::/16 (RFC 3056) embed an IPv4 address a gateway will reach.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return ClassifyV4(new IPAddress(b[12..]));
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(new IPAddress(b[2..6]));
        }

        return AddressClass.Public;
    }
}
