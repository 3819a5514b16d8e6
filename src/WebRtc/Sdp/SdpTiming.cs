using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// A time description (RFC 8866 §5.9-5.10): <c>t=start stop</c> (NTP seconds, 0 0 = unbounded, as WebRTC
/// uses) and the <c>r=</c> repeat lines that belong to it, kept as raw text.
/// </summary>
internal sealed class SdpTiming : IEquatable<SdpTiming>
{
    public SdpTiming(ulong start = 0, ulong stop = 0)
    {
        Start = start;
        Stop = stop;
    }

    public ulong Start { get; set; }

    public ulong Stop { get; set; }

    /// <summary>Raw values of the <c>r=</c> lines following this <c>t=</c>, in order.</summary>
    public IList<string> Repeats { get; } = new List<string>();

    public static bool TryParse(string value, [NotNullWhen(true)] out SdpTiming? timing)
    {
        timing = null;
        if (!SdpText.TrySplit(value, out var p) || p.Length != 2
            || !SdpText.TryParseUInt64(p[0], out var start) || !SdpText.TryParseUInt64(p[1], out var stop))
        {
            return false;
        }

        timing = new SdpTiming(start, stop);
        return true;
    }

    public bool Equals(SdpTiming? other) =>
        other is not null && Start == other.Start && Stop == other.Stop && Repeats.SequenceEqual(other.Repeats);

    public override bool Equals(object? obj) => Equals(obj as SdpTiming);

    public override int GetHashCode() => HashCode.Combine(Start, Stop, Repeats.Count);

    /// <summary>The <c>t=</c> line body.</summary>
    public override string ToString() => SdpText.Invariant(Start) + " " + SdpText.Invariant(Stop);
}
