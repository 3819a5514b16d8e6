using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=candidate</c> (RFC 8839 §5.1):
/// <c>foundation component transport priority address port typ type [raddr a] [rport p] *(name value)</c>.
/// Extensions (incl. RFC 6544 <c>tcptype</c>, <c>generation</c>, <c>ufrag</c>) are kept in order so a
/// candidate re-serialises as it came.
/// </summary>
internal sealed class IceCandidateLine : ISdpAttributeValue<IceCandidateLine>, IEquatable<IceCandidateLine>
{
    public required string Foundation { get; init; }

    public required int Component { get; init; }

    public required SdpCandidateTransport Transport { get; init; }

    public required uint Priority { get; init; }

    /// <summary>IPv4, IPv6 or FQDN text, as written.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    public required SdpCandidateType Type { get; init; }

    public string? RelatedAddress { get; init; }

    public int? RelatedPort { get; init; }

    /// <summary>Extension attributes in order of appearance (RFC 8839 §5.1 <c>cand-extension</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    public static string AttributeName => SdpAttributeNames.Candidate;

    /// <summary>RFC 6544 §4.5 <c>tcptype</c>, read from the extensions; null when absent or unknown.</summary>
    public SdpCandidateTcpType? TcpType
    {
        get
        {
            var text = GetExtension("tcptype");
            return text is not null && SdpCandidateText.TryParseTcpType(text, out var t) ? t : null;
        }
    }

    public SdpCandidateAddressKind AddressKind =>
        IPAddress.TryParse(Address, out var ip)
            ? ip.AddressFamily == AddressFamily.InterNetworkV6 ? SdpCandidateAddressKind.IPv6 : SdpCandidateAddressKind.IPv4
            : SdpCandidateAddressKind.Fqdn;

    public string? GetExtension(string name)
    {
        foreach (var kv in Extensions)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>Parses the attribute value; a leading <c>candidate:</c> (trickle form) is accepted too.</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out IceCandidateLine? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase))
        {
            value = value["candidate:".Length..];
        }

        if (!SdpText.TrySplit(value, out var p) || p.Length < 8 || p[6] != "typ")
        {
            return false;
        }

        if (!IsFoundation(p[0]) || !SdpText.TryParseInt(p[1], 1, 256, out var component)
            || !SdpCandidateText.TryParseTransport(p[2], out var transport)
            || !SdpText.TryParseUInt32(p[3], out var priority) || !SdpText.IsWord(p[4])
            || !SdpText.TryParseInt(p[5], 0, 65535, out var port) || !SdpCandidateText.TryParseType(p[7], out var type))
        {
            return false;
        }

        var i = 8;
        string? raddr = null;
        int? rport = null;
        if (i + 1 < p.Length && p[i] == "raddr")
        {
            if (!SdpText.IsWord(p[i + 1]))
            {
                return false;
            }

            raddr = p[i + 1];
            i += 2;
        }

        if (i + 1 < p.Length && p[i] == "rport")
        {
            if (!SdpText.TryParseInt(p[i + 1], 0, 65535, out var rp))
            {
                return false;
            }

            rport = rp;
            i += 2;
        }

        // Extensions come in name/value pairs; a dangling name is malformed.
        if ((p.Length - i) % 2 != 0)
        {
            return false;
        }

        var extensions = new List<KeyValuePair<string, string>>((p.Length - i) / 2);
        for (; i < p.Length; i += 2)
        {
            if (!SdpText.IsToken(p[i]) || !SdpText.IsWord(p[i + 1]))
            {
                return false;
            }

            extensions.Add(new(p[i], p[i + 1]));
        }

        result = new IceCandidateLine
        {
            Foundation = p[0],
            Component = component,
            Transport = transport,
            Priority = priority,
            Address = p[4],
            Port = port,
            Type = type,
            RelatedAddress = raddr,
            RelatedPort = rport,
            Extensions = extensions,
        };
        return true;
    }

    public string ToValueString()
    {
        var s = $"{Foundation} {SdpText.Invariant(Component)} {Transport.ToText()} {SdpText.Invariant(Priority)} "
            + $"{Address} {SdpText.Invariant(Port)} typ {Type.ToText()}";
        if (RelatedAddress is not null)
        {
            s += " raddr " + RelatedAddress;
        }

        if (RelatedPort is { } rp)
        {
            s += " rport " + SdpText.Invariant(rp);
        }

        foreach (var kv in Extensions)
        {
            s += " " + kv.Key + " " + kv.Value;
        }

        return s;
    }

    public override string ToString() => ToValueString();

    public bool Equals(IceCandidateLine? other) =>
        other is not null && Foundation == other.Foundation && Component == other.Component
        && Transport == other.Transport && Priority == other.Priority && Address == other.Address
        && Port == other.Port && Type == other.Type && RelatedAddress == other.RelatedAddress
        && RelatedPort == other.RelatedPort && Extensions.SequenceEqual(other.Extensions);

    public override bool Equals(object? obj) => Equals(obj as IceCandidateLine);

    public override int GetHashCode() => HashCode.Combine(Foundation, Component, Address, Port, Priority);

    // RFC 8839 §5.1: foundation = 1*32ice-char; ice-char = ALPHA / DIGIT / "+" / "/".
    private static bool IsFoundation(string s) =>
        s.Length is >= 1 and <= 32 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');
}
