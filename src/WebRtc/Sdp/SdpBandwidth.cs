using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>The <c>b=</c> line (RFC 8866 §5.8): <c>bwtype:bandwidth</c>, bandwidth in kbit/s for CT/AS.</summary>
internal sealed record SdpBandwidth(string Type, ulong Value)
{
    public static bool TryParse(string value, [NotNullWhen(true)] out SdpBandwidth? bandwidth)
    {
        bandwidth = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !SdpText.IsToken(value.AsSpan(0, colon))
            || !SdpText.TryParseUInt64(value.AsSpan(colon + 1), out var kbps))
        {
            return false;
        }

        bandwidth = new SdpBandwidth(value[..colon], kbps);
        return true;
    }

    public override string ToString() => Type + ":" + SdpText.Invariant(Value);
}
