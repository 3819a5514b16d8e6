using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>The <c>m=</c> line grammar (RFC 8866 §5.14, §9 <c>media-field</c>).</summary>
internal static class MediaLine
{
    public static bool TryParse(string value, [NotNullWhen(true)] out MediaDescription? media)
    {
        media = null;
        // m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>)
        if (!SdpText.TrySplit(value, out var p) || p.Length < 4 || !SdpText.IsToken(p[0]) || !IsProto(p[2]))
        {
            return false;
        }

        var portText = p[1];
        int? count = null;
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!SdpText.TryParseInt(portText.AsSpan(slash + 1), 1, 65535, out var c))
            {
                return false;
            }

            count = c;
            portText = portText[..slash];
        }

        if (!SdpText.TryParseInt(portText, 0, 65535, out var port))
        {
            return false;
        }

        for (var i = 3; i < p.Length; i++)
        {
            if (!SdpText.IsToken(p[i]))
            {
                return false;
            }
        }

        media = new MediaDescription(p[0], port, p[2], p[3..]) { PortCount = count };
        return true;
    }

    public static string Write(MediaDescription media)
    {
        var port = SdpText.Invariant(media.Port) + (media.PortCount is { } c ? "/" + SdpText.Invariant(c) : string.Empty);
        return $"{media.Media} {port} {media.Proto} {string.Join(' ', media.Formats)}";
    }

    // proto = token *("/" token)
    private static bool IsProto(string s) => s.Split('/').All(t => SdpText.IsToken(t));
}
