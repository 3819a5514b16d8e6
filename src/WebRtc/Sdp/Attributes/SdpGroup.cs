using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary><c>a=group:&lt;semantics&gt; *(SP mid)</c> (RFC 5888 §5; BUNDLE from RFC 8843 §7.1).</summary>
internal sealed class SdpGroup : ISdpAttributeValue<SdpGroup>, IEquatable<SdpGroup>
{
    public const string Bundle = "BUNDLE";

    public SdpGroup(string semantics, IEnumerable<string> mids)
    {
        ArgumentException.ThrowIfNullOrEmpty(semantics);
        ArgumentNullException.ThrowIfNull(mids);
        Semantics = semantics;
        Mids = [.. mids];
    }

    public static string AttributeName => SdpAttributeNames.Group;

    public string Semantics { get; }

    public IReadOnlyList<string> Mids { get; }

    public bool IsBundle => Semantics == Bundle;

    public static bool TryParse(string value, [NotNullWhen(true)] out SdpGroup? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        if (!SdpText.TrySplit(value, out var p) || !SdpText.IsToken(p[0]) || !p.Skip(1).All(m => SdpText.IsToken(m)))
        {
            return false;
        }

        result = new SdpGroup(p[0], p.Skip(1));
        return true;
    }

    public string ToValueString() => Mids.Count == 0 ? Semantics : Semantics + " " + string.Join(' ', Mids);

    public override string ToString() => ToValueString();

    public bool Equals(SdpGroup? other) =>
        other is not null && Semantics == other.Semantics && Mids.SequenceEqual(other.Mids);

    public override bool Equals(object? obj) => Equals(obj as SdpGroup);

    public override int GetHashCode() => HashCode.Combine(Semantics, Mids.Count);
}
