using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>The <c>c=</c> line (RFC 8866 §5.7): <c>nettype addrtype connection-address</c>.</summary>
internal sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary><c>IN IP4 addr</c> or <c>IN IP6 addr</c>, chosen from the address text.</summary>
    public static SdpConnection ForAddress(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return new SdpConnection("IN", address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4", address);
    }

    public static bool TryParse(string value, [NotNullWhen(true)] out SdpConnection? connection)
    {
        connection = null;
        if (!SdpText.TrySplit(value, out var p) || p.Length != 3
            || !SdpText.IsToken(p[0]) || !SdpText.IsToken(p[1]) || !SdpText.IsWord(p[2]))
        {
            return false;
        }

        connection = new SdpConnection(p[0], p[1], p[2]);
        return true;
    }

    public override string ToString() => $"{NetworkType} {AddressType} {Address}";
}
