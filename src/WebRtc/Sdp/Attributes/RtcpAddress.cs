using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary><c>a=rtcp:&lt;port&gt; [nettype addrtype address]</c> (RFC 3605 §2.1).</summary>
internal sealed record RtcpAddress(int Port, SdpConnection? Address = null) : ISdpAttributeValue<RtcpAddress>
{
    public static string AttributeName => SdpAttributeNames.Rtcp;

    public static bool TryParse(string value, [NotNullWhen(true)] out RtcpAddress? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var portText = space < 0 ? value : value[..space];
        if (!SdpText.TryParseInt(portText, 0, 65535, out var port))
        {
            return false;
        }

        SdpConnection? address = null;
        if (space >= 0 && !SdpConnection.TryParse(value[(space + 1)..], out address))
        {
            return false;
        }

        result = new RtcpAddress(port, address);
        return true;
    }

    public string ToValueString() =>
        Address is null ? SdpText.Invariant(Port) : SdpText.Invariant(Port) + " " + Address;
}
