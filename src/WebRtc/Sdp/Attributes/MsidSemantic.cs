using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=msid-semantic: WMS [ids]</c> (draft-ietf-mmusic-msid, still emitted by libwebrtc and Meta).
/// Browsers write a space after the colon; we accept either form and write the browser form.
/// </summary>
internal sealed class MsidSemantic : ISdpAttributeValue<MsidSemantic>, IEquatable<MsidSemantic>
{
    public MsidSemantic(string semantic, IEnumerable<string>? ids = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(semantic);
        Semantic = semantic;
        Ids = ids is null ? [] : [.. ids];
    }

    public static string AttributeName => SdpAttributeNames.MsidSemantic;

    /// <summary>Usually <c>WMS</c> (WebRTC media stream).</summary>
    public string Semantic { get; }

    public IReadOnlyList<string> Ids { get; }

    public static bool TryParse(string value, [NotNullWhen(true)] out MsidSemantic? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.TrimStart(' ');
        if (!SdpText.TrySplit(trimmed, out var p) || !SdpText.IsToken(p[0]) || !p.All(x => SdpText.IsWord(x)))
        {
            return false;
        }

        result = new MsidSemantic(p[0], p.Skip(1));
        return true;
    }

    public string ToValueString() => " " + Semantic + string.Concat(Ids.Select(i => " " + i));

    public override string ToString() => ToValueString();

    public bool Equals(MsidSemantic? other) =>
        other is not null && Semantic == other.Semantic && Ids.SequenceEqual(other.Ids);

    public override bool Equals(object? obj) => Equals(obj as MsidSemantic);

    public override int GetHashCode() => HashCode.Combine(Semantic, Ids.Count);
}
