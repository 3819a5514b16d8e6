using System.Text.Json.Serialization;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Analytics;

/// <summary>
/// What a set of ended calls adds up to: counters and <see cref="LogHistogram"/> sketches, all mergeable, so one row
/// per period and dimension (hour, day, month × number, direction, outcome) answers any range by merging.
/// Units: durations in seconds, setup times in milliseconds, loss in percent of the packets expected.
/// </summary>
public sealed class CallRollup
{
    /// <summary>A MOS under this is a poor call (ITU-T G.107's "many users dissatisfied" starts around 3.6).</summary>
    public const double PoorMos = 3.5;

    [JsonPropertyName("calls")]
    public long Calls { get; set; }

    /// <summary>Calls per outcome, by its wire name (<see cref="WireText"/>).</summary>
    [JsonPropertyName("outcomes")]
    public SortedDictionary<string, long> Outcomes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Calls that were connected (answered) at some point.</summary>
    [JsonPropertyName("answered")]
    public long Answered { get; set; }

    [JsonPropertyName("duration")]
    public LogHistogram Duration { get; set; } = new();

    [JsonPropertyName("dialToRinging")]
    public LogHistogram DialToRinging { get; set; } = new();

    [JsonPropertyName("ringingToAnswered")]
    public LogHistogram RingingToAnswered { get; set; } = new();

    [JsonPropertyName("webhookToAccept")]
    public LogHistogram WebhookToAccept { get; set; } = new();

    [JsonPropertyName("answeredToMedia")]
    public LogHistogram AnsweredToMedia { get; set; } = new();

    [JsonPropertyName("mos")]
    public LogHistogram Mos { get; set; } = new();

    [JsonPropertyName("poorMos")]
    public long PoorMosCalls { get; set; }

    [JsonPropertyName("loss")]
    public LogHistogram LossPercent { get; set; } = new();

    [JsonPropertyName("jitter")]
    public LogHistogram JitterMs { get; set; } = new();

    [JsonPropertyName("rtt")]
    public LogHistogram RoundTripMs { get; set; } = new();

    /// <summary>Calls per <see cref="CallError.Code"/> (Meta's as <c>meta-&lt;code&gt;</c>).</summary>
    [JsonPropertyName("errors")]
    public SortedDictionary<string, long> Errors { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Calls per ICE-selected candidate pair, <c>{local}/{remote}</c> (e.g. <c>host/srflx</c>).</summary>
    [JsonPropertyName("pairs")]
    public SortedDictionary<string, long> CandidatePairs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Calls per negotiated DTLS version.</summary>
    [JsonPropertyName("dtlsVer")]
    public SortedDictionary<string, long> DtlsVersions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Calls per negotiated cipher suite.</summary>
    [JsonPropertyName("suites")]
    public SortedDictionary<string, long> CipherSuites { get; set; } = new(StringComparer.Ordinal);

    [JsonPropertyName("ice")]
    public LogHistogram IceMs { get; set; } = new();

    [JsonPropertyName("dtls")]
    public LogHistogram DtlsMs { get; set; } = new();

    /// <summary>Call permission requests sent (counted where they are sent, in the hour they were sent).</summary>
    [JsonPropertyName("permReq")]
    public long PermissionRequests { get; set; }

    /// <summary>Call permission grants (the user's accept, from the webhook, in the hour it was received).</summary>
    [JsonPropertyName("permGrant")]
    public long PermissionGrants { get; set; }

    /// <summary>
    /// Outbound calls. Stored since the per-period total rows (which mix directions); a dimension row written before
    /// them lacks it, so <see cref="CallRollupStore"/> sets it from the row's direction when read.
    /// </summary>
    [JsonPropertyName("dialled")]
    public long Dialled { get; set; }

    /// <summary>Outbound calls that were answered: as <see cref="Dialled"/>.</summary>
    [JsonPropertyName("dialledAns")]
    public long DialledAnswered { get; set; }

    /// <summary>Adds one final call.</summary>
    public void Add(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Calls++;
        var outcome = call.Outcome is { } o ? WireText.Of(o) : "unknown";
        Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
        if (call.ConnectedAt is not null)
        {
            Answered++;
        }

        if (call.Direction == CallDirection.Outbound)
        {
            Dialled++;
            DialledAnswered += call.ConnectedAt is null ? 0 : 1;
        }

        if (call.Duration is { } duration)
        {
            Duration.Add(duration.TotalSeconds);
        }

        AddSpan(DialToRinging, call.CreatedAt, call.Direction == CallDirection.Outbound ? call.RingingAt : null);
        AddSpan(RingingToAnswered, call.RingingAt, call.Direction == CallDirection.Outbound ? call.AnswerReceivedAt : null);
        AddSpan(WebhookToAccept, call.CreatedAt, call.Direction == CallDirection.Inbound ? call.AcceptedAt : null);
        AddSpan(AnsweredToMedia, call.Direction == CallDirection.Outbound ? call.AnswerReceivedAt : call.AcceptedAt, call.MediaConnectedAt);

        if (call.MediaStats is { } media)
        {
            if (media.Mos is { } mos)
            {
                Mos.Add(mos);
                if (mos < PoorMos)
                {
                    PoorMosCalls++;
                }
            }

            var expected = media.PacketsReceived + media.PacketsLost;
            if (expected > 0)
            {
                LossPercent.Add(100.0 * media.PacketsLost / expected);
            }

            if (media.PacketsReceived > 0)
            {
                JitterMs.Add(media.JitterMs);
            }

            if (media.RoundTripMs is { } rtt)
            {
                RoundTripMs.Add(rtt);
            }

            if (media.Transport is { } transport)
            {
                if (transport.LocalCandidateType is { } local && transport.RemoteCandidateType is { } remote)
                {
                    Count(CandidatePairs, local + "/" + remote);
                }

                if (transport.DtlsVersion is { } version)
                {
                    Count(DtlsVersions, version);
                }

                if (transport.DtlsCipherSuite is { } suite)
                {
                    Count(CipherSuites, suite);
                }

                if (transport.IceMs is { } ice)
                {
                    IceMs.Add(ice);
                }

                if (transport.DtlsMs is { } dtls)
                {
                    DtlsMs.Add(dtls);
                }
            }
        }

        if (call.LastError is { } error)
        {
            Errors[error.Code] = Errors.GetValueOrDefault(error.Code) + 1;
        }
    }

    public void Merge(CallRollup other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Calls += other.Calls;
        Answered += other.Answered;
        PoorMosCalls += other.PoorMosCalls;
        PermissionRequests += other.PermissionRequests;
        PermissionGrants += other.PermissionGrants;
        Dialled += other.Dialled;
        DialledAnswered += other.DialledAnswered;
        foreach (var (key, count) in other.Outcomes)
        {
            Outcomes[key] = Outcomes.GetValueOrDefault(key) + count;
        }

        foreach (var (key, count) in other.Errors)
        {
            Errors[key] = Errors.GetValueOrDefault(key) + count;
        }

        foreach (var (mine, theirs) in new[] { (CandidatePairs, other.CandidatePairs), (DtlsVersions, other.DtlsVersions), (CipherSuites, other.CipherSuites) })
        {
            foreach (var (key, count) in theirs)
            {
                mine[key] = mine.GetValueOrDefault(key) + count;
            }
        }

        IceMs.Merge(other.IceMs);
        DtlsMs.Merge(other.DtlsMs);

        Duration.Merge(other.Duration);
        DialToRinging.Merge(other.DialToRinging);
        RingingToAnswered.Merge(other.RingingToAnswered);
        WebhookToAccept.Merge(other.WebhookToAccept);
        AnsweredToMedia.Merge(other.AnsweredToMedia);
        Mos.Merge(other.Mos);
        LossPercent.Merge(other.LossPercent);
        JitterMs.Merge(other.JitterMs);
        RoundTripMs.Merge(other.RoundTripMs);
    }

    private static void Count(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void AddSpan(LogHistogram histogram, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } start && to is { } end)
        {
            histogram.Add((end - start).TotalMilliseconds);
        }
    }
}

[JsonSerializable(typeof(CallRollup))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
