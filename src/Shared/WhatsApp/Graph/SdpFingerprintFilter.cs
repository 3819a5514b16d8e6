using System.Text;

namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>
/// Meta accepts only sha-256 DTLS fingerprints: an SDP that also lists sha-384/512 is refused with code
/// 100, subcode 2494010 ("Fingerprint algo is not SHA256"). This removes every <c>a=fingerprint:</c> line
/// (RFC 8122 §5) whose hash function is not sha-256, leaving all other lines and line endings untouched.
/// </summary>
public static class SdpFingerprintFilter
{
    private const string FingerprintPrefix = "a=fingerprint:";
    private const string Sha256 = "sha-256";

    /// <summary>The SDP with only sha-256 fingerprints.</summary>
    /// <exception cref="ArgumentException">The SDP is empty or has no sha-256 fingerprint.</exception>
    public static string KeepSha256Only(string sdp, string? paramName = null)
    {
        if (string.IsNullOrWhiteSpace(sdp))
        {
            throw new ArgumentException("The SDP is empty.", paramName ?? nameof(sdp));
        }

        var result = new StringBuilder(sdp.Length);
        var sha256Count = 0;
        var position = 0;
        while (position < sdp.Length)
        {
            var newline = sdp.IndexOf('\n', position);
            var end = newline < 0 ? sdp.Length : newline + 1;
            var line = sdp.AsSpan(position, end - position);
            position = end;

            var content = line.TrimEnd("\r\n");
            if (content.StartsWith(FingerprintPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // RFC 8122 §5: fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint; hash-func is case-insensitive.
                var value = content[FingerprintPrefix.Length..].TrimStart(' ');
                var space = value.IndexOf(' ');
                var hashFunc = space < 0 ? value : value[..space];
                if (!hashFunc.Equals(Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                sha256Count++;
            }

            result.Append(line);
        }

        if (sha256Count == 0)
        {
            throw new ArgumentException(
                "The SDP has no a=fingerprint:sha-256 line; WhatsApp accepts only sha-256 DTLS fingerprints.",
                paramName ?? nameof(sdp));
        }

        return result.ToString();
    }
}
