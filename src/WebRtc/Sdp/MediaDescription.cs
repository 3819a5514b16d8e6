namespace Serverless.WebRtc.Sdp;

/// <summary>
/// One media section (RFC 8866 §5.14): <c>m=&lt;media&gt; &lt;port&gt;[/&lt;count&gt;] &lt;proto&gt; &lt;fmt&gt;...</c>
/// followed by its <c>i= c= b= k= a=</c> lines.
/// </summary>
internal sealed class MediaDescription : SdpSection, IEquatable<MediaDescription>
{
    public const string Audio = "audio";
    public const string WebRtcProto = "UDP/TLS/RTP/SAVPF";

    public MediaDescription(string media, int port, string proto, IEnumerable<string> formats)
    {
        ArgumentException.ThrowIfNullOrEmpty(media);
        ArgumentException.ThrowIfNullOrEmpty(proto);
        ArgumentNullException.ThrowIfNull(formats);
        Media = media;
        Port = port;
        Proto = proto;
        foreach (var f in formats)
        {
            Formats.Add(f);
        }
    }

    public string Media { get; set; }

    public int Port { get; set; }

    /// <summary>The optional <c>/&lt;number of ports&gt;</c> of the m-line.</summary>
    public int? PortCount { get; set; }

    public string Proto { get; set; }

    /// <summary>Format list; RTP payload types as text for RTP protos.</summary>
    public IList<string> Formats { get; } = new List<string>();

    /// <summary><c>i=</c> media title.</summary>
    public string? Title { get; set; }

    /// <summary><c>c=</c> lines; usually one (RFC 8866 §5.7 allows several for multicast).</summary>
    public IList<SdpConnection> Connections { get; } = new List<SdpConnection>();

    public SdpConnection? Connection => Connections.Count > 0 ? Connections[0] : null;

    public IReadOnlyList<RtpMap> RtpMaps => GetAll<RtpMap>();

    public IReadOnlyList<Fmtp> Fmtps => GetAll<Fmtp>();

    public IReadOnlyList<IceCandidateLine> Candidates => GetAll<IceCandidateLine>();

    public bool EndOfCandidates => HasAttribute(SdpAttributeNames.EndOfCandidates);

    public string? Mid => GetValue(SdpAttributeNames.Mid);

    public Msid? Msid => GetFirst<Msid>();

    public RtcpAddress? Rtcp => GetFirst<RtcpAddress>();

    public bool RtcpMux => HasAttribute(SdpAttributeNames.RtcpMux);

    public bool RtcpRsize => HasAttribute(SdpAttributeNames.RtcpRsize);

    public IReadOnlyList<RtcpFeedback> RtcpFeedbacks => GetAll<RtcpFeedback>();

    public IReadOnlyList<ExtMap> ExtMaps => GetAll<ExtMap>();

    public IReadOnlyList<SsrcLine> Ssrcs => GetAll<SsrcLine>();

    public RtpMap? GetRtpMap(int payloadType) => RtpMaps.FirstOrDefault(m => m.PayloadType == payloadType);

    public Fmtp? GetFmtp(int payloadType) => Fmtps.FirstOrDefault(f => f.PayloadType == payloadType);

    /// <summary>
    /// Payload type of the first listed format whose rtpmap matches (RFC 8866 §6.6: m-line order is preference).
    /// </summary>
    public int? FindPayloadType(string encodingName, int clockRate, int? channels = null)
    {
        var maps = RtpMaps;
        foreach (var f in Formats)
        {
            var map = maps.FirstOrDefault(m => SdpText.Invariant(m.PayloadType) == f);
            if (map is not null && map.Is(encodingName, clockRate, channels))
            {
                return map.PayloadType;
            }
        }

        return null;
    }

    public bool Equals(MediaDescription? other) =>
        other is not null && Media == other.Media && Port == other.Port && PortCount == other.PortCount
        && Proto == other.Proto && Formats.SequenceEqual(other.Formats) && Title == other.Title
        && Connections.SequenceEqual(other.Connections) && SectionEquals(other);

    public override bool Equals(object? obj) => Equals(obj as MediaDescription);

    public override int GetHashCode() => HashCode.Combine(Media, Port, Proto, Formats.Count, Attributes.Count);

    public override string ToString() => SdpSerializer.WriteMediaLine(this);
}
