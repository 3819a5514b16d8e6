using System.Security.Cryptography;

namespace Serverless.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint as carried by <c>a=fingerprint</c> (RFC 8122 §5). WhatsApp accepts only
/// <c>sha-256</c>, so that is the only algorithm we produce; others are parsed so they can be rejected
/// with a clear reason.
/// </summary>
internal sealed record CertificateFingerprint(string HashFunction, byte[] Value)
{
    /// <summary>The only hash function WhatsApp accepts in SDP.</summary>
    public const string Sha256 = "sha-256";

    /// <summary>True when this is a sha-256 fingerprint of the right length.</summary>
    public bool IsSha256 => string.Equals(HashFunction, Sha256, StringComparison.OrdinalIgnoreCase) && Value.Length == 32;

    /// <summary>The sha-256 fingerprint of a DER-encoded certificate.</summary>
    public static CertificateFingerprint FromCertificate(ReadOnlySpan<byte> der) => new(Sha256, SHA256.HashData(der));

    /// <summary>Parses the attribute value, e.g. <c>sha-256 4A:AD:B9:...</c>.</summary>
    public static bool TryParse(string? attributeValue, out CertificateFingerprint fingerprint)
    {
        fingerprint = null!;
        if (string.IsNullOrWhiteSpace(attributeValue))
        {
            return false;
        }

        var parts = attributeValue.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        var hex = parts[1].Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length == 0 || hex.Length % 2 != 0 || hex.Length > 128)
        {
            return false;
        }

        try
        {
            fingerprint = new CertificateFingerprint(parts[0].ToLowerInvariant(), Convert.FromHexString(hex));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>True when the DER certificate hashes to this fingerprint (sha-256 only), compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> der)
    {
        if (!IsSha256)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(der, hash);
        return CryptographicOperations.FixedTimeEquals(hash, Value);
    }

    /// <summary>The SDP attribute value: <c>sha-256 AB:CD:...</c> (upper-case hex, colon separated).</summary>
    public string ToSdpValue() => HashFunction + " " + string.Join(':', Value.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    public override string ToString() => ToSdpValue();

    /// <inheritdoc />
    public bool Equals(CertificateFingerprint? other) =>
        other is not null
        && string.Equals(HashFunction, other.HashFunction, StringComparison.OrdinalIgnoreCase)
        && Value.AsSpan().SequenceEqual(other.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(HashFunction.ToUpperInvariant(), Value.Length > 0 ? Value[0] : 0);
}
