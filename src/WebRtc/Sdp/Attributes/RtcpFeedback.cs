using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=rtcp-fb:&lt;pt|*&gt; &lt;type&gt; [&lt;parameters&gt;]</c> (RFC 4585 §4.2), e.g. <c>111 transport-cc</c>.
/// </summary>
internal sealed record RtcpFeedback(string PayloadType, string Type, string? Parameters = null)
    : ISdpAttributeValue<RtcpFeedback>
{
    public const string AllPayloadTypes = "*";

    public static string AttributeName => SdpAttributeNames.RtcpFb;

    public bool AppliesTo(int payloadType) =>
        PayloadType == AllPayloadTypes || PayloadType == SdpText.Invariant(payloadType);

    public static bool TryParse(string value, [NotNullWhen(true)] out RtcpFeedback? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split(' ', 3);
        if (parts.Length < 2 || !(parts[0] == AllPayloadTypes || SdpText.TryParseInt(parts[0], 0, 127, out _))
            || !SdpText.IsToken(parts[1]) || (parts.Length == 3 && parts[2].Length == 0))
        {
            return false;
        }

        result = new RtcpFeedback(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        return true;
    }

    public string ToValueString() =>
        PayloadType + " " + Type + (Parameters is null ? string.Empty : " " + Parameters);
}
