using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// The <c>o=</c> line (RFC 8866 §5.2): <c>username sess-id sess-version nettype addrtype unicast-address</c>.
/// Ids are kept as digit strings so values of any length round-trip exactly.
/// </summary>
internal sealed record SdpOrigin(
    string Username,
    string SessionId,
    string SessionVersion,
    string NetworkType,
    string AddressType,
    string UnicastAddress)
{
    /// <summary>The shape WebRTC stacks use: <c>- &lt;id&gt; &lt;version&gt; IN IP4 127.0.0.1</c>.</summary>
    public static SdpOrigin ForWebRtc(ulong sessionId, ulong sessionVersion) =>
        new("-", SdpText.Invariant(sessionId), SdpText.Invariant(sessionVersion), "IN", "IP4", "127.0.0.1");

    /// <summary>
    /// The origin for a re-offer/re-answer: same session id, version + 1 (RFC 3264 §8: a modified
    /// description increments the version by one).
    /// </summary>
    public SdpOrigin WithNextVersion() =>
        this with
        {
            SessionVersion = (BigInteger.Parse(SessionVersion, NumberStyles.None, CultureInfo.InvariantCulture) + 1)
                .ToString(CultureInfo.InvariantCulture),
        };

    public static bool TryParse(string value, [NotNullWhen(true)] out SdpOrigin? origin)
    {
        origin = null;
        if (!SdpText.TrySplit(value, out var p) || p.Length != 6)
        {
            return false;
        }

        // RFC 8866 §9: sess-id and sess-version are 1*DIGIT; the other fields are non-whitespace.
        if (!SdpText.IsDigits(p[1], 64) || !SdpText.IsDigits(p[2], 64) || !SdpText.IsToken(p[3])
            || !SdpText.IsToken(p[4]) || !SdpText.IsWord(p[0]) || !SdpText.IsWord(p[5]))
        {
            return false;
        }

        origin = new SdpOrigin(p[0], p[1], p[2], p[3], p[4], p[5]);
        return true;
    }

    public override string ToString() =>
        $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {UnicastAddress}";
}
