using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=fingerprint:&lt;hash-func&gt; &lt;XX:XX:...&gt;</c> (RFC 8122 §5). WhatsApp accepts sha-256 only
/// (error 100 "Fingerprint algo is not SHA256"), hence <see cref="IsSha256"/>. This is the SDP view only;
/// hashing and matching a DTLS certificate belong to the DTLS layer.
/// </summary>
internal sealed class SdpFingerprint : ISdpAttributeValue<SdpFingerprint>, IEquatable<SdpFingerprint>
{
    private readonly byte[] _bytes;

    public SdpFingerprint(string hashFunction, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(hashFunction);
        if (!SdpText.IsToken(hashFunction))
        {
            throw new ArgumentException("Hash function must be a token.", nameof(hashFunction));
        }

        if (bytes.IsEmpty)
        {
            throw new ArgumentException("Fingerprint must not be empty.", nameof(bytes));
        }

        HashFunction = hashFunction;
        _bytes = bytes.ToArray();
    }

    public static string AttributeName => SdpAttributeNames.Fingerprint;

    /// <summary>Hash function name as written, e.g. <c>sha-256</c> (RFC 8122 §5 names are case-insensitive).</summary>
    public string HashFunction { get; }

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Uppercase colon-separated hex, the form RFC 8122 §5 mandates for the value.</summary>
    public string Hex => string.Join(':', _bytes.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    public bool IsSha256 => string.Equals(HashFunction, "sha-256", StringComparison.OrdinalIgnoreCase) && _bytes.Length == 32;

    public static SdpFingerprint Sha256(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("A SHA-256 digest is 32 bytes.", nameof(digest));
        }

        return new SdpFingerprint("sha-256", digest);
    }

    public static bool TryParse(string value, [NotNullWhen(true)] out SdpFingerprint? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        if (!SdpText.TrySplit(value, out var p) || p.Length != 2 || !SdpText.IsToken(p[0]))
        {
            return false;
        }

        // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX); lowercase hex is tolerated on input.
        var hex = p[1];
        if ((hex.Length + 1) % 3 != 0 || hex.Length > 3 * 64)
        {
            return false;
        }

        var bytes = new byte[(hex.Length + 1) / 3];
        for (var i = 0; i < bytes.Length; i++)
        {
            var at = i * 3;
            if ((i > 0 && hex[at - 1] != ':') || !char.IsAsciiHexDigit(hex[at]) || !char.IsAsciiHexDigit(hex[at + 1]))
            {
                return false;
            }

            bytes[i] = (byte)((HexValue(hex[at]) << 4) | HexValue(hex[at + 1]));
        }

        result = new SdpFingerprint(p[0], bytes);
        return true;
    }

    public string ToValueString() => HashFunction + " " + Hex;

    public override string ToString() => ToValueString();

    public bool Equals(SdpFingerprint? other) =>
        other is not null && HashFunction == other.HashFunction && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as SdpFingerprint);

    public override int GetHashCode() => HashCode.Combine(HashFunction, _bytes.Length, _bytes[0]);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
