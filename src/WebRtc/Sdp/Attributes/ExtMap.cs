using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;attributes&gt;]</c> (RFC 8285 §8), e.g.
/// <c>1 urn:ietf:params:rtp-hdrext:ssrc-audio-level</c>.
/// </summary>
internal sealed record ExtMap(int Id, string Uri, MediaDirection? Direction = null, string? Attributes = null)
    : ISdpAttributeValue<ExtMap>
{
    public static string AttributeName => SdpAttributeNames.ExtMap;

    public static bool TryParse(string value, [NotNullWhen(true)] out ExtMap? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split(' ', 3);
        if (parts.Length < 2 || !SdpText.IsWord(parts[1]) || (parts.Length == 3 && parts[2].Length == 0))
        {
            return false;
        }

        var idText = parts[0];
        MediaDirection? direction = null;
        var slash = idText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!SdpEnumText.TryParseDirection(idText[(slash + 1)..], out var d))
            {
                return false;
            }

            direction = d;
            idText = idText[..slash];
        }

        // RFC 8285 §5: 1-14 one-byte, 1-255 two-byte, 4096-4351 only in offers awaiting a remap.
        if (!SdpText.TryParseInt(idText, 1, 4351, out var id))
        {
            return false;
        }

        result = new ExtMap(id, parts[1], direction, parts.Length == 3 ? parts[2] : null);
        return true;
    }

    public string ToValueString() =>
        SdpText.Invariant(Id) + (Direction is { } d ? "/" + d.ToText() : string.Empty) + " " + Uri
        + (Attributes is null ? string.Empty : " " + Attributes);
}
