using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock&gt;[/&lt;channels&gt;]</c> (RFC 8866 §6.6).
/// </summary>
internal sealed record RtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
    : ISdpAttributeValue<RtpMap>
{
    public static string AttributeName => SdpAttributeNames.RtpMap;

    /// <summary>Encoding names are case-insensitive (RFC 4855 §3): "opus" and "OPUS" are the same codec.</summary>
    public bool Is(string encodingName, int clockRate, int? channels = null) =>
        string.Equals(EncodingName, encodingName, StringComparison.OrdinalIgnoreCase)
        && ClockRate == clockRate
        && (channels is null || (Channels ?? 1) == channels);

    public static bool TryParse(string value, [NotNullWhen(true)] out RtpMap? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParseInt(value.AsSpan(0, space), 0, 127, out var pt))
        {
            return false;
        }

        var parts = value[(space + 1)..].Split('/');
        if (parts.Length is < 2 or > 3 || !SdpText.IsToken(parts[0])
            || !SdpText.TryParseInt(parts[1], 1, int.MaxValue, out var clock))
        {
            return false;
        }

        int? channels = null;
        if (parts.Length == 3)
        {
            if (!SdpText.TryParseInt(parts[2], 1, 255, out var ch))
            {
                return false;
            }

            channels = ch;
        }

        result = new RtpMap(pt, parts[0], clock, channels);
        return true;
    }

    public string ToValueString() =>
        $"{SdpText.Invariant(PayloadType)} {EncodingName}/{SdpText.Invariant(ClockRate)}"
        + (Channels is { } ch ? "/" + SdpText.Invariant(ch) : string.Empty);
}
