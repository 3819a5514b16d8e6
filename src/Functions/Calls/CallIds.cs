using System.Security.Cryptography;

namespace Serverless.Functions.Calls;

/// <summary>
/// Our call ids: "call_" + 26 Crockford base32 characters, ULID layout (48-bit Unix milliseconds, then 80 random
/// bits). Ids sort by creation time, so the call table (partitioned by call id) lists oldest first.
/// </summary>
public static class CallIds
{
    public const string Prefix = "call_";
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var ms = (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);

        Span<char> chars = stackalloc char[Prefix.Length + 26];
        Prefix.AsSpan().CopyTo(chars);
        var body = chars[Prefix.Length..];

        // 10 chars of time (50 bits, top 2 always zero for 48-bit ms) ...
        for (var i = 9; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

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
