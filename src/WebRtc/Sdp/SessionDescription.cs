namespace Serverless.WebRtc.Sdp;

/// <summary>
/// A parsed SDP (RFC 8866 §5): session-level fields, session attributes and media sections. The model is
/// lossless: unknown lines and attributes are kept in order so <see cref="SdpSerializer"/> re-emits them.
/// </summary>
internal sealed partial class SessionDescription : SdpSection, IEquatable<SessionDescription>
{
    public SessionDescription(SdpOrigin origin, string sessionName = "-")
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(sessionName);
        Origin = origin;
        SessionName = sessionName;
    }

    /// <summary><c>v=</c>; RFC 8866 §5.1 defines only 0.</summary>
    public int Version { get; set; }

    public SdpOrigin Origin { get; set; }

    /// <summary><c>s=</c>; WebRTC writes <c>-</c> (RFC 8829 §5.2.1).</summary>
    public string SessionName { get; set; }

    public string? Information { get; set; }

    public string? Uri { get; set; }

    public IList<string> Emails { get; } = new List<string>();

    public IList<string> Phones { get; } = new List<string>();

    public SdpConnection? Connection { get; set; }

    public IList<SdpTiming> Timings { get; } = new List<SdpTiming>();

    /// <summary><c>z=</c> raw value.</summary>
    public string? TimeZones { get; set; }

    public IList<MediaDescription> Media { get; } = new List<MediaDescription>();

    public bool Equals(SessionDescription? other) =>
        other is not null && Version == other.Version && Origin == other.Origin
        && SessionName == other.SessionName && Information == other.Information && Uri == other.Uri
        && Emails.SequenceEqual(other.Emails) && Phones.SequenceEqual(other.Phones)
        && Connection == other.Connection && Timings.SequenceEqual(other.Timings)
        && TimeZones == other.TimeZones && SectionEquals(other) && Media.SequenceEqual(other.Media);

    public override bool Equals(object? obj) => Equals(obj as SessionDescription);

    public override int GetHashCode() => HashCode.Combine(Origin, SessionName, Attributes.Count, Media.Count);

    /// <summary>The SDP text, CRLF line endings (RFC 8866 §5).</summary>
    public override string ToString() => SdpSerializer.Write(this);
}
