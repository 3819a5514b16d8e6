using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary><c>a=msid:&lt;stream-id&gt; [&lt;track-id&gt;]</c> (RFC 8830 §2).</summary>
internal sealed record Msid(string StreamId, string? TrackId = null) : ISdpAttributeValue<Msid>
{
    public static string AttributeName => SdpAttributeNames.Msid;

    public static bool TryParse(string value, [NotNullWhen(true)] out Msid? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        if (!SdpText.TrySplit(value, out var p) || p.Length > 2 || !p.All(x => SdpText.IsWord(x)))
        {
            return false;
        }

        result = new Msid(p[0], p.Length == 2 ? p[1] : null);
        return true;
    }

    public string ToValueString() => TrackId is null ? StreamId : StreamId + " " + TrackId;
}
