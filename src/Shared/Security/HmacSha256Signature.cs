using System.Security.Cryptography;
using System.Text;

namespace Serverless.Shared.Security;

/// <summary>
/// The <c>sha256=&lt;hex&gt;</c> HMAC-SHA256 signature Meta puts in <c>X-Hub-Signature-256</c>.
/// The same scheme signs MediaNode events sent to the Functions, so one verifier guards both doors.
/// The HMAC is always over the raw body bytes, before any JSON parsing.
/// </summary>
public sealed class HmacSha256Signature
{
    /// <summary>Header Meta uses for the signature; we use the same one for MediaNode events.</summary>
    public const string HeaderName = "X-Hub-Signature-256";

    /// <summary>Exact, case-sensitive prefix of the header value.</summary>
    public const string Prefix = "sha256=";

    private const int DigestLength = 32;
    private readonly byte[] _key;

    /// <summary>Creates a signer/verifier for a secret given as text (UTF-8, as Meta's app secret is used).</summary>
    public HmacSha256Signature(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _key = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Creates a signer/verifier for a secret given as raw bytes.</summary>
    public HmacSha256Signature(ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The signing secret must not be empty.", nameof(secret));
        }

        _key = secret.ToArray();
    }

    /// <summary>Returns the header value, <c>sha256=</c> followed by the lower-case hex HMAC of <paramref name="body"/>.</summary>
    public string Sign(ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[DigestLength];
        HMACSHA256.HashData(_key, body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>Checks a header value against the body in constant time (for a well-formed header).</summary>
    public SignatureCheck Verify(ReadOnlySpan<byte> body, string? headerValue)
    {
        if (string.IsNullOrEmpty(headerValue))
        {
            return SignatureCheck.Missing;
        }

        // Prefix is case-sensitive: Meta always sends "sha256=", anything else is not its header.
        if (!headerValue.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return SignatureCheck.Malformed;
        }

        var hex = headerValue.AsSpan(Prefix.Length);
        if (hex.Length != DigestLength * 2)
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> claimed = stackalloc byte[DigestLength];
        if (Convert.FromHexString(hex, claimed, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != DigestLength)
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> actual = stackalloc byte[DigestLength];
        HMACSHA256.HashData(_key, body, actual);
        return CryptographicOperations.FixedTimeEquals(claimed, actual) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
