using CsCheck;
using Serverless.WebRtc.Sdp;

namespace Serverless.WebRtc.Tests.Sdp;

/// <summary>CsCheck generators for well-formed SDP models (values chosen inside the RFC 8866 grammar).</summary>
internal static class SdpGenerators
{
    private const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._+!#$%&'*^`{|}~";
    private const string WordChars = "abcxyzABC0123456789.:/-_+@[]";

    // Free text: anything but NUL/CR/LF; ends without whitespace because the parser trims it.
    private const string TextChars = "abcXYZ 019:;=/-_.*#@!<>\t\u00e9\u4e2d";

    public static readonly Gen<string> Token = Gen.Char[TokenChars].Array[1, 8].Select(a => new string(a));

    public static readonly Gen<string> Word = Gen.Char[WordChars].Array[1, 12].Select(a => new string(a));

    public static readonly Gen<string> Text = Gen.Char[TextChars].Array[0, 20].Select(a => new string(a).TrimEnd(' ', '\t'));

    public static readonly Gen<string> Digits = Gen.Char["0123456789"].Array[1, 20].Select(a => new string(a));

    public static readonly Gen<string?> OptionalText = Gen.Select(Gen.Bool, Text, (has, t) => has ? t : null);

    public static readonly Gen<SdpAttributeLine> Attribute =
        Gen.Select(Token, Gen.Bool, Text, (name, flag, value) => new SdpAttributeLine(name, flag ? null : value));

    // Letters with no field in the model, so the parser files them as unknown lines.
    public static readonly Gen<SdpLine> OtherLine =
        Gen.Select(Gen.Char["dfghjlnqwxy"], Text, (type, value) => new SdpLine(type, value));

    public static readonly Gen<SdpBandwidth> Bandwidth = Gen.Select(Token, Gen.ULong, (t, v) => new SdpBandwidth(t, v));

    public static readonly Gen<SdpConnection> Connection = Gen.Select(Token, Token, Word, (n, a, addr) => new SdpConnection(n, a, addr));

    public static readonly Gen<SdpOrigin> Origin =
        Gen.Select(Word, Digits, Digits, Token, Token, Word, (u, id, v, n, a, addr) => new SdpOrigin(u, id, v, n, a, addr));

    public static readonly Gen<SdpTiming> Timing = Gen.Select(Gen.ULong, Gen.ULong, Text.List[0, 2], (start, stop, repeats) =>
    {
        var timing = new SdpTiming(start, stop);
        foreach (var r in repeats)
        {
            timing.Repeats.Add(("7d " + r).TrimEnd(' ', '\t'));
        }

        return timing;
    });

    public static readonly Gen<MediaDescription> Media = Gen.Select(
        Gen.Select(Token, Gen.Int[0, 65535], Gen.Int[0, 65535], Token.Array[1, 3], Token.List[1, 4], OptionalText),
        Gen.Select(Connection.List[0, 2], Bandwidth.List[0, 2], OptionalText, OtherLine.List[0, 2], Attribute.List[0, 8]),
        (head, body) =>
        {
            var (media, port, count, proto, formats, title) = head;
            var m = new MediaDescription(media, port, string.Join('/', proto), formats)
            {
                PortCount = count == 0 ? null : count,
                Title = title,
                EncryptionKey = body.Item3,
            };
            AddAll(m.Connections, body.Item1);
            AddAll(m.Bandwidths, body.Item2);
            AddAll(m.OtherLines, body.Item4);
            AddAll(m.Attributes, body.Item5);
            return m;
        });

    public static readonly Gen<SessionDescription> Session = Gen.Select(
        Gen.Select(Origin, Text, OptionalText, OptionalText, Text.List[0, 2], Text.List[0, 2]),
        Gen.Select(Gen.Bool, Connection, Bandwidth.List[0, 2], Timing.List[1, 3], OptionalText, OptionalText),
        Gen.Select(OtherLine.List[0, 2], Attribute.List[0, 6], Media.List[0, 3]),
        (head, middle, tail) =>
        {
            var (origin, name, info, uri, emails, phones) = head;
            var (hasConnection, connection, bandwidths, timings, zones, key) = middle;
            var sdp = new SessionDescription(origin, name)
            {
                Information = info,
                Uri = uri,
                Connection = hasConnection ? connection : null,
                TimeZones = zones,
                EncryptionKey = key,
            };
            AddAll(sdp.Emails, emails);
            AddAll(sdp.Phones, phones);
            AddAll(sdp.Bandwidths, bandwidths);
            AddAll(sdp.Timings, timings);
            AddAll(sdp.OtherLines, tail.Item1);
            AddAll(sdp.Attributes, tail.Item2);
            AddAll(sdp.Media, tail.Item3);
            return sdp;
        });

    public static readonly Gen<IceCandidateLine> Candidate = Gen.Select(
        Gen.Select(Gen.Char["abcXYZ0189+/"].Array[1, 32], Gen.Int[1, 256], Gen.Bool, Gen.UInt, Word, Gen.Int[0, 65535]),
        Gen.Select(Gen.Int[0, 3], Gen.Bool, Word, Gen.Int[0, 65535], Gen.Select(Token, Word).List[0, 3]),
        (head, tail) => new IceCandidateLine
        {
            Foundation = new string(head.Item1),
            Component = head.Item2,
            Transport = head.Item3 ? SdpCandidateTransport.Udp : SdpCandidateTransport.Tcp,
            Priority = head.Item4,
            Address = head.Item5,
            Port = head.Item6,
            Type = (SdpCandidateType)tail.Item1,
            RelatedAddress = tail.Item2 ? tail.Item3 : null,
            RelatedPort = tail.Item2 ? tail.Item4 : null,
            // "raddr"/"rport" as extension names would be read back as the related fields.
            Extensions = tail.Item5.Where(e => e.Item1 is not ("raddr" or "rport")).Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)).ToList(),
        });

    private static void AddAll<T>(ICollection<T> target, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            target.Add(item);
        }
    }
}
