using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary><c>a=ssrc:&lt;ssrc-id&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> (RFC 5576 §4.1), e.g. <c>cname</c>.</summary>
internal sealed record SsrcLine(uint Ssrc, string Attribute, string? Value = null) : ISdpAttributeValue<SsrcLine>
{
    public const string CName = "cname";

    public static string AttributeName => SdpAttributeNames.Ssrc;

    public static bool TryParse(string value, [NotNullWhen(true)] out SsrcLine? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParseUInt32(value.AsSpan(0, space), out var ssrc))
        {
            return false;
        }

        var rest = value[(space + 1)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? rest : rest[..colon];
        if (!SdpText.IsToken(name))
        {
            return false;
        }

        result = new SsrcLine(ssrc, name, colon < 0 ? null : rest[(colon + 1)..]);
        return true;
    }

    public string ToValueString() =>
        SdpText.Invariant(Ssrc) + " " + Attribute + (Value is null ? string.Empty : ":" + Value);
}
