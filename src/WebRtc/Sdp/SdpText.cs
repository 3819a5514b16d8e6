using System.Globalization;

namespace Serverless.WebRtc.Sdp;

/// <summary>Small lexical helpers shared by the SDP parsers (RFC 8866 §9 grammar terms).</summary>
internal static class SdpText
{
    /// <summary>RFC 8866 §9 <c>token-char</c>: printable US-ASCII except SP and tspecials.</summary>
    public static bool IsTokenChar(char c) =>
        c is '!' or (>= '#' and <= '\'') or '*' or '+' or '-' or '.' or (>= '0' and <= '9')
            or (>= 'A' and <= 'Z') or (>= '^' and <= '~');

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Non-empty, no whitespace and no control characters: an address, id or uri field.</summary>
    public static bool IsWord(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c <= ' ' || c == '\x7f')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsDigits(ReadOnlySpan<char> s, int maxLength)
    {
        if (s.IsEmpty || s.Length > maxLength)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParseInt(ReadOnlySpan<char> s, int min, int max, out int value)
    {
        value = 0;
        if (!IsDigits(s, 10) || !int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        if (v < min || v > max)
        {
            return false;
        }

        value = v;
        return true;
    }

    public static bool TryParseUInt32(ReadOnlySpan<char> s, out uint value)
    {
        value = 0;
        return IsDigits(s, 10) && uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseUInt64(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        return IsDigits(s, 20) && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Splits on single spaces; fails on empty fields (double spaces), as the grammar uses exactly one SP.</summary>
    public static bool TrySplit(string s, out string[] parts)
    {
        parts = s.Split(' ');
        foreach (var p in parts)
        {
            if (p.Length == 0)
            {
                return false;
            }
        }

        return true;
    }

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
