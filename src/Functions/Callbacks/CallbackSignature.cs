using System.Globalization;
using System.Text;
using Serverless.Shared.Security;

namespace Serverless.Functions.Callbacks;

/// <summary>
/// How a callback is signed: <c>X-Callback-Signature-256: sha256=&lt;hex HMAC-SHA256(secret, "&lt;timestamp&gt;." + body)&gt;</c>
/// with <c>X-Callback-Timestamp</c> (Unix seconds) and <c>X-Callback-Event-Id</c>. The timestamp is inside the MAC so
/// a captured delivery cannot be replayed later under a new timestamp; receivers should also refuse old timestamps
/// and deduplicate on the event id (delivery is at-least-once).
/// </summary>
public static class CallbackSignature
{
    /// <summary>Header carrying <c>sha256=&lt;hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-Callback-Signature-256";

    /// <summary>Header carrying the Unix-seconds timestamp that is part of the signed text.</summary>
    public const string TimestampHeader = "X-Callback-Timestamp";

    /// <summary>Header carrying the event id (also in the body).</summary>
    public const string EventIdHeader = "X-Callback-Event-Id";

    /// <summary>The bytes the MAC covers.</summary>
    public static byte[] SignedPayload(long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        return payload;
    }

    /// <summary>The signature header value for a body sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(HmacSha256Signature signer, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return signer.Sign(SignedPayload(timestamp, body));
    }

    /// <summary>
    /// Receiver side: valid only when the MAC matches and the timestamp is within <paramref name="tolerance"/> of
    /// <paramref name="now"/>.
    /// </summary>
    public static SignatureCheck Verify(
        HmacSha256Signature signer, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (string.IsNullOrEmpty(timestampHeader))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return SignatureCheck.Malformed;
        }

        var check = signer.Verify(SignedPayload(timestamp, body), signatureHeader);
        if (check != SignatureCheck.Valid)
        {
            return check;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return age.Duration() <= tolerance ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
