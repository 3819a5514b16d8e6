namespace Serverless.WebRtc.Sdp;

/// <summary>
/// What the session level and a media section share: bandwidth lines, unknown lines and the ordered
/// attribute list, plus typed accessors for attributes valid at both levels (RFC 8839 §5 ICE and RFC 8842
/// DTLS attributes may sit at either). Accessors read the raw list, so the list stays the single truth.
/// </summary>
internal abstract class SdpSection
{
    public IList<SdpBandwidth> Bandwidths { get; } = new List<SdpBandwidth>();

    /// <summary><c>k=</c> (obsolete, RFC 8866 §5.12), kept only so relayed SDP loses nothing.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Lines of unknown type, re-emitted just before the attributes.</summary>
    public IList<SdpLine> OtherLines { get; } = new List<SdpLine>();

    /// <summary>All <c>a=</c> lines in order, known and unknown.</summary>
    public IList<SdpAttributeLine> Attributes { get; } = new List<SdpAttributeLine>();

    public string? IceUfrag => GetValue(SdpAttributeNames.IceUfrag);

    public string? IcePwd => GetValue(SdpAttributeNames.IcePwd);

    /// <summary>Tokens of <c>a=ice-options</c> (RFC 8839 §5.6), e.g. <c>trickle</c>.</summary>
    public IReadOnlyList<string> IceOptions =>
        GetValue(SdpAttributeNames.IceOptions)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public IReadOnlyList<SdpFingerprint> Fingerprints => GetAll<SdpFingerprint>();

    public SetupRole? Setup =>
        SdpEnumText.TryParseSetupRole(GetValue(SdpAttributeNames.Setup), out var role) ? role : null;

    /// <summary>The direction attribute if present (RFC 8866 §6.7 default is sendrecv when absent).</summary>
    public MediaDirection? Direction
    {
        get
        {
            foreach (var a in Attributes)
            {
                if (a.Value is null && SdpEnumText.TryParseDirection(a.Name, out var d))
                {
                    return d;
                }
            }

            return null;
        }
    }

    public bool HasAttribute(string name) => Attributes.Any(a => a.Name == name);

    /// <summary>Value of the first attribute with this name; null when absent or a property attribute.</summary>
    public string? GetValue(string name)
    {
        foreach (var a in Attributes)
        {
            if (a.Name == name)
            {
                return a.Value;
            }
        }

        return null;
    }

    /// <summary>Every well-formed attribute of type <typeparamref name="T"/>; malformed ones stay raw only.</summary>
    public IReadOnlyList<T> GetAll<T>()
        where T : ISdpAttributeValue<T>
    {
        var list = new List<T>();
        foreach (var a in Attributes)
        {
            if (a.Name == T.AttributeName && a.Value is not null && T.TryParse(a.Value, out var v))
            {
                list.Add(v);
            }
        }

        return list;
    }

    /// <summary>The first well-formed attribute of type <typeparamref name="T"/>, or null.</summary>
    public T? GetFirst<T>()
        where T : class, ISdpAttributeValue<T>
    {
        foreach (var a in Attributes)
        {
            if (a.Name == T.AttributeName && a.Value is not null && T.TryParse(a.Value, out var v))
            {
                return v;
            }
        }

        return null;
    }

    public void Add<T>(T value)
        where T : ISdpAttributeValue<T> => Attributes.Add(new SdpAttributeLine(T.AttributeName, value.ToValueString()));

    public void AddValue(string name, string value) => Attributes.Add(new SdpAttributeLine(name, value));

    public void AddFlag(string name) => Attributes.Add(new SdpAttributeLine(name));

    protected bool SectionEquals(SdpSection other) =>
        EncryptionKey == other.EncryptionKey && Bandwidths.SequenceEqual(other.Bandwidths)
        && OtherLines.SequenceEqual(other.OtherLines) && Attributes.SequenceEqual(other.Attributes);
}
