using System.Security.Cryptography;

namespace Serverless.Functions.Calls;

/// <summary>
/// Our call ids: "call_" + 26 Crockford base32 characters, ULID layout with the time inverted (48 bits of
/// <see cref="MaxMilliseconds"/> minus the Unix milliseconds, then 80 random bits). Ids sort newest first, so the call
/// table (partitioned by call id, and Table Storage returns partitions in key order) lists newest first with no index
/// and its continuation tokens keep working. Calls made in the same millisecond come in random order.
/// </summary>
public static class CallIds
{
    public const string Prefix = "call_";
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The largest 48-bit Unix time in milliseconds (about the year 10889); a creation time is written as its distance from it.</summary>
    private const ulong MaxMilliseconds = (1UL << 48) - 1;

    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);

        Span<char> chars = stackalloc char[Prefix.Length + 26];
        Prefix.AsSpan().CopyTo(chars);
        var body = chars[Prefix.Length..];
        WriteInvertedTime(timeProvider.GetUtcNow(), body);

        // ... then 16 chars from the 80 random bits, 5 bits each.
        UInt128 bits = 0;
        foreach (var b in random)
        {
            bits = (bits << 8) | b;
        }

        for (var i = 25; i >= 10; i--)
        {
            body[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new string(chars);
    }

    /// <summary>
    /// The largest id a call created at or after <paramref name="since"/> can have, so a <c>since</c> list reads only
    /// the partitions up to it instead of the whole table.
    /// </summary>
    public static string UpperBoundCreatedSince(DateTimeOffset since)
    {
        Span<char> chars = stackalloc char[Prefix.Length + 26];
        Prefix.AsSpan().CopyTo(chars);
        var body = chars[Prefix.Length..];
        WriteInvertedTime(since < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : since, body);
        body[10..].Fill(Alphabet[^1]);
        return new string(chars);
    }

    // 10 chars of inverted time (50 bits, top 2 always zero for 48-bit ms).
    private static void WriteInvertedTime(DateTimeOffset at, Span<char> body)
    {
        var ms = MaxMilliseconds - Math.Min((ulong)at.ToUnixTimeMilliseconds(), MaxMilliseconds);
        for (var i = 9; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
    }

    public static bool IsValid(string? callId)
    {
        if (callId is null || callId.Length != Prefix.Length + 26 || !callId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in callId.AsSpan(Prefix.Length))
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
