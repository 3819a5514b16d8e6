using System.Text;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// Writes SDP in RFC 8866 §5 canonical order with CRLF line endings:
/// session <c>v o s i u e p c b t r z k</c>, unknown lines, <c>a*</c>; then each media section
/// <c>m i c b k</c>, unknown lines, <c>a*</c>. Attribute order is kept as stored.
/// </summary>
internal static class SdpSerializer
{
    private const string Crlf = "\r\n";

    public static string Write(SessionDescription sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var sb = new StringBuilder(1024);
        Line(sb, 'v', SdpText.Invariant(sdp.Version));
        Line(sb, 'o', sdp.Origin.ToString());
        Line(sb, 's', sdp.SessionName);
        Optional(sb, 'i', sdp.Information);
        Optional(sb, 'u', sdp.Uri);
        foreach (var e in sdp.Emails)
        {
            Line(sb, 'e', e);
        }

        foreach (var p in sdp.Phones)
        {
            Line(sb, 'p', p);
        }

        Optional(sb, 'c', sdp.Connection?.ToString());
        Bandwidths(sb, sdp);
        foreach (var t in sdp.Timings)
        {
            Line(sb, 't', t.ToString());
            foreach (var r in t.Repeats)
            {
                Line(sb, 'r', r);
            }
        }

        Optional(sb, 'z', sdp.TimeZones);
        Tail(sb, sdp);
        foreach (var m in sdp.Media)
        {
            Line(sb, 'm', MediaLine.Write(m));
            Optional(sb, 'i', m.Title);
            foreach (var c in m.Connections)
            {
                Line(sb, 'c', c.ToString());
            }

            Bandwidths(sb, m);
            Tail(sb, m);
        }

        return sb.ToString();
    }

    /// <summary>UTF-8 bytes of <see cref="Write"/> into <paramref name="destination"/>; false if it does not fit.</summary>
    public static bool TryWrite(SessionDescription sdp, Span<byte> destination, out int written) =>
        Encoding.UTF8.TryGetBytes(Write(sdp), destination, out written);

    internal static string WriteMediaLine(MediaDescription media) => "m=" + MediaLine.Write(media);

    private static void Bandwidths(StringBuilder sb, SdpSection section)
    {
        foreach (var b in section.Bandwidths)
        {
            Line(sb, 'b', b.ToString());
        }
    }

    private static void Tail(StringBuilder sb, SdpSection section)
    {
        Optional(sb, 'k', section.EncryptionKey);
        foreach (var l in section.OtherLines)
        {
            Line(sb, l.Type, l.Value);
        }

        foreach (var a in section.Attributes)
        {
            Line(sb, 'a', a.ToString());
        }
    }

    private static void Optional(StringBuilder sb, char type, string? value)
    {
        if (value is not null)
        {
            Line(sb, type, value);
        }
    }

    private static void Line(StringBuilder sb, char type, string value) =>
        sb.Append(type).Append('=').Append(value).Append(Crlf);
}
