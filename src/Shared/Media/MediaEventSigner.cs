using System.Buffers;
using System.Globalization;
using System.Text;
using Serverless.Shared.Security;

namespace Serverless.Shared.Media;

/// <summary>
/// Signs media event bodies the MediaNode POSTs to the Functions, and verifies them there. The MAC is
/// <see cref="HmacSha256Signature"/> (the same code path as Meta's webhook check) over
/// <c>"{unix seconds}." + body</c>, so the timestamp header cannot be changed to replay an old event.
/// </summary>
public sealed class MediaEventSigner
{
    /// <summary>Header carrying the signature (same header as Meta's webhooks).</summary>
    public const string SignatureHeaderName = HmacSha256Signature.HeaderName;

    /// <summary>Header carrying the signing time in Unix seconds.</summary>
    public const string TimestampHeaderName = "X-Media-Timestamp";

    /// <summary>
    /// Header naming the sending node, so the receiver picks that node's key before reading the body; the signed body's
    /// <c>nodeId</c> must name the same node.
    /// </summary>
    public const string NodeHeaderName = "X-Media-Node";

    /// <summary>Default replay window: events older than this are refused.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Clock skew tolerated for timestamps ahead of the verifier's clock.</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(1);

    private const int MaxTimestampDigits = 20;
    private readonly HmacSha256Signature _signature;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxAge;

    /// <summary>Creates a signer/verifier over a shared secret.</summary>
    public MediaEventSigner(HmacSha256Signature signature, TimeProvider time, TimeSpan? maxAge = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(time);
        _signature = signature;
        _time = time;
        _maxAge = maxAge ?? DefaultMaxAge;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_maxAge, TimeSpan.Zero, nameof(maxAge));
    }

    /// <summary>Signs <paramref name="body"/> now; send both header values with the exact same body bytes.</summary>
    public SignedEventHeaders Sign(ReadOnlySpan<byte> body)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new SignedEventHeaders(SignTimestamped(timestamp, body), timestamp);
    }

    /// <summary>Verifies a delivery's headers against its raw body bytes.</summary>
    public MediaEventCheck Verify(ReadOnlySpan<byte> body, string? signatureHeader, string? timestampHeader)
    {
        if (string.IsNullOrEmpty(signatureHeader))
        {
            return MediaEventCheck.MissingSignature;
        }

        if (string.IsNullOrEmpty(timestampHeader))
        {
            return MediaEventCheck.MissingTimestamp;
        }

        if (timestampHeader.Length > MaxTimestampDigits
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return MediaEventCheck.Malformed;
        }

        // Authenticate first: freshness of an unauthenticated timestamp means nothing.
        var check = VerifyTimestamped(timestampHeader, body, signatureHeader);
        if (check != SignatureCheck.Valid)
        {
            return check == SignatureCheck.Mismatch ? MediaEventCheck.Mismatch : MediaEventCheck.Malformed;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age > _maxAge)
        {
            return MediaEventCheck.Stale;
        }

        return age < -FutureSkew ? MediaEventCheck.FromFuture : MediaEventCheck.Valid;
    }

    private string SignTimestamped(string timestamp, ReadOnlySpan<byte> body)
    {
        var buffer = Rent(timestamp, body, out var length);
        try
        {
            return _signature.Sign(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SignatureCheck VerifyTimestamped(string timestamp, ReadOnlySpan<byte> body, string signatureHeader)
    {
        var buffer = Rent(timestamp, body, out var length);
        try
        {
            return _signature.Verify(buffer.AsSpan(0, length), signatureHeader);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Builds <c>timestamp + "." + body</c> in a pooled buffer.</summary>
    private static byte[] Rent(string timestamp, ReadOnlySpan<byte> body, out int length)
    {
        length = timestamp.Length + 1 + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var written = Encoding.ASCII.GetBytes(timestamp, buffer);
        buffer[written] = (byte)'.';
        body.CopyTo(buffer.AsSpan(written + 1));
        return buffer;
    }
}

/// <summary>Header values for one signed event body.</summary>
/// <param name="Signature">Value of <see cref="MediaEventSigner.SignatureHeaderName"/>.</param>
/// <param name="Timestamp">Value of <see cref="MediaEventSigner.TimestampHeaderName"/>.</param>
public readonly record struct SignedEventHeaders(string Signature, string Timestamp);
