using System.ComponentModel;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Analytics;

[Description("Call analytics over a time range, from the call rollups (calls are counted by the hour they were created in).")]
public sealed record CallAnalyticsResource
{
    [Description("Start of the range (inclusive, UTC, a whole hour).")]
    public required DateTimeOffset From { get; init; }

    [Description("End of the range (exclusive, UTC, a whole hour).")]
    public required DateTimeOffset To { get; init; }

    [Description("How groups are formed: day, hour, phoneNumber, direction or outcome.")]
    public required string GroupBy { get; init; }

    [Description("Largest relative error of every percentile reported (the sketches' bucket width), e.g. 0.0099 for 0.99 %.")]
    public required double PercentileRelativeError { get; init; }

    [Description("All calls of the range together.")]
    public required CallStatsGroup Total { get; init; }

    [Description("One entry per group that has calls, in key order.")]
    public required IReadOnlyList<CallStatsGroup> Groups { get; init; }
}

[Description("What the calls of one group add up to.")]
public sealed record CallStatsGroup
{
    [Description("The group: a day (2026-12-07), an hour (2026-12-07T13:00:00Z), a business phone number id, a direction (outbound, inbound) or an outcome (completed, rejected, noAnswer, cancelled, failed); 'total' for the whole range.")]
    public required string Key { get; init; }

    [Description("Calls that ended.")]
    public required long Calls { get; init; }

    [Description("Calls per outcome.")]
    public required OutcomeCounts Outcomes { get; init; }

    [Description("Calls that were connected (answered by the user, or accepted by us for inbound calls).")]
    public required long Answered { get; init; }

    [Description("answered / calls (0..1); null without calls.")]
    public double? AnswerRate { get; init; }

    [Description("Calls with outcome completed / calls (0..1); null without calls.")]
    public double? SuccessRate { get; init; }

    [Description("Talk time of the calls that have one, in seconds.")]
    public required Distribution DurationSeconds { get; init; }

    [Description("Call setup times, in milliseconds.")]
    public required SetupTimes Setup { get; init; }

    [Description("Audio quality from the media node's statistics of each call.")]
    public required AudioQuality Quality { get; init; }

    [Description("The most frequent lastError codes (Meta's as meta-<code>), most frequent first, at most 10.")]
    public required IReadOnlyList<FailureCount> TopFailures { get; init; }

    [Description("How media was connected (the guide's 'optimize ICE candidate selection'): selected candidate pairs, DTLS versions and cipher suites, ICE and DTLS durations.")]
    public required MediaConnectivity Connectivity { get; init; }

    [Description("Business-initiated calling: permission requests sent → grants received → outbound calls → answered. Requests and grants count in the hour they happened and belong to no outcome (groupBy=outcome shows them in the total only).")]
    public required PermissionFunnel PermissionFunnel { get; init; }
}

[Description("The permission funnel of business-initiated calls.")]
public sealed record PermissionFunnel
{
    [Description("Call permission requests sent to users (Meta accepted the message).")]
    public required long Requested { get; init; }

    [Description("Grants received: users who accepted a request (temporary or permanent), from Meta's webhook.")]
    public required long Granted { get; init; }

    [Description("Outbound calls that ended (dialled).")]
    public required long Dialled { get; init; }

    [Description("Outbound calls the user answered.")]
    public required long Answered { get; init; }
}

[Description("Calls per outcome.")]
public sealed record OutcomeCounts
{
    [Description("Connected and later hung up.")]
    public long Completed { get; init; }

    [Description("Declined by the user.")]
    public long Rejected { get; init; }

    [Description("Nobody answered.")]
    public long NoAnswer { get; init; }

    [Description("The business hung up before the call was connected.")]
    public long Cancelled { get; init; }

    [Description("An error ended the call.")]
    public long Failed { get; init; }
}

[Description("A distribution: exact count, mean, min and max; percentiles (nearest rank) within percentileRelativeError. Nulls when there are no values.")]
public sealed record Distribution
{
    [Description("Values in the distribution.")]
    public required long Count { get; init; }

    [Description("Exact mean.")]
    public double? Mean { get; init; }

    [Description("Exact smallest value.")]
    public double? Min { get; init; }

    [Description("Median.")]
    public double? P50 { get; init; }

    [Description("90th percentile.")]
    public double? P90 { get; init; }

    [Description("95th percentile.")]
    public double? P95 { get; init; }

    [Description("99th percentile.")]
    public double? P99 { get; init; }

    [Description("Exact largest value.")]
    public double? Max { get; init; }

    [Description("Counts per bin, for the setup times and MOS (the dashboard's histograms): a value within percentileRelativeError of a bin edge may be counted in the neighbouring bin; the counts add up to count.")]
    public IReadOnlyList<HistogramBin>? Histogram { get; init; }

    /// <summary>Setup-time bins (ms): under 250 ms, doubling up to 16 s and more.</summary>
    internal static readonly double[] SetupBinsMs = [0, 250, 500, 1000, 2000, 4000, 8000, 16000];

    /// <summary>MOS bins: under 2, half points up to 4.5 and more (poor calls are below 3.5).</summary>
    internal static readonly double[] MosBins = [1, 2, 2.5, 3, 3.5, 4, 4.5];

    internal static Distribution Of(LogHistogram histogram, IReadOnlyList<double> bins) => Of(histogram) with
    {
        Histogram = [.. histogram.Bin(bins).Select((count, j) => new HistogramBin { From = bins[j], To = j + 1 < bins.Count ? bins[j + 1] : null, Count = count })],
    };

    internal static Distribution Of(LogHistogram histogram) => new()
    {
        Count = histogram.Count,
        Mean = histogram.Count == 0 ? null : histogram.Sum / histogram.Count,
        Min = histogram.Count == 0 ? null : histogram.Min,
        P50 = histogram.Quantile(0.5),
        P90 = histogram.Quantile(0.9),
        P95 = histogram.Quantile(0.95),
        P99 = histogram.Quantile(0.99),
        Max = histogram.Count == 0 ? null : histogram.Max,
    };
}

[Description("One bin of a histogram: values from 'from' (inclusive; the first bin also holds smaller values) to 'to' (exclusive; absent for the last, open bin).")]
public sealed record HistogramBin
{
    [Description("Lower edge.")]
    public required double From { get; init; }

    [Description("Upper edge (exclusive); absent for the last bin.")]
    public double? To { get; init; }

    [Description("Values in the bin.")]
    public required long Count { get; init; }
}

[Description("Setup times from the call's own timestamps, in milliseconds.")]
public sealed record SetupTimes
{
    [Description("Outbound: dial accepted → Meta's connect succeeded (the phone may ring).")]
    public required Distribution DialToRingingMs { get; init; }

    [Description("Outbound: ringing → the user's answer arrived.")]
    public required Distribution RingingToAnsweredMs { get; init; }

    [Description("Inbound: Meta's connect webhook → our accept succeeded.")]
    public required Distribution WebhookToAcceptMs { get; init; }

    [Description("Answer (outbound) or accept (inbound) → the media node reported media up (first audio can flow).")]
    public required Distribution AnsweredToMediaMs { get; init; }
}

[Description("Audio quality of the calls that had media.")]
public sealed record AudioQuality
{
    [Description("Estimated mean opinion score (1..5) of calls where it was computed.")]
    public required Distribution Mos { get; init; }

    [Description("Calls with a MOS.")]
    public required long CallsWithMos { get; init; }

    [Description("Calls with a MOS below 3.5.")]
    public required long BelowMos35 { get; init; }

    [Description("belowMos35 / callsWithMos (0..1); null when no call has a MOS.")]
    public double? BelowMos35Share { get; init; }

    [Description("Inbound packet loss per call, percent of the packets expected.")]
    public required Distribution LossPercent { get; init; }

    [Description("Inbound interarrival jitter per call, milliseconds (calls that received packets).")]
    public required Distribution JitterMs { get; init; }

    [Description("Round-trip time per call from RTCP, milliseconds (calls where it was measured).")]
    public required Distribution RoundTripMs { get; init; }
}

[Description("How many calls ended with one lastError code.")]
public sealed record FailureCount
{
    [Description("The lastError code (see the call resource), e.g. ice-failed or meta-138006.")]
    public required string Code { get; init; }

    [Description("Meta's numeric error code when the code is meta-<code>.")]
    public int? MetaCode { get; init; }

    [Description("Calls that ended with it.")]
    public required long Count { get; init; }

    internal static FailureCount Of(string code, long count) =>
        new() { Code = code, MetaCode = new CallError(code, string.Empty).MetaCode, Count = count };
}

[Description("The calls behind one analytics group, newest first.")]
public sealed record AnalyticsCallList
{
    [Description("One page of calls.")]
    public required IReadOnlyList<AnalyticsCall> Calls { get; init; }

    [Description("Pass as continuationToken for the next page; absent on the last page. A page may hold fewer calls than pageSize while this is set.")]
    public string? ContinuationToken { get; init; }
}

[Description("One ended call as analytics sees it (no user phone number: GET /calls/{id} has the full record).")]
public sealed record AnalyticsCall
{
    [Description("Call ID (GET /calls/{id}).")]
    public required string Id { get; init; }

    [Description("When the call was created (the hour it is counted in).")]
    public required DateTimeOffset CreatedAt { get; init; }

    [Description("outbound or inbound.")]
    public required string Direction { get; init; }

    [Description("The business phone number id.")]
    public required string PhoneNumberId { get; init; }

    [Description("completed, rejected, noAnswer, cancelled or failed.")]
    public string? Outcome { get; init; }

    [Description("Talk time in seconds, when the call was connected.")]
    public double? DurationSeconds { get; init; }

    [Description("Estimated MOS from the media node's statistics.")]
    public double? Mos { get; init; }

    [Description("The lastError code, when an error ended the call.")]
    public string? ErrorCode { get; init; }

    internal static AnalyticsCall Of(CallRecord call) => new()
    {
        Id = call.CallId,
        CreatedAt = call.CreatedAt,
        Direction = WireText.Of(call.Direction),
        PhoneNumberId = call.BusinessPhoneNumberId,
        Outcome = call.Outcome is { } o ? WireText.Of(o) : null,
        DurationSeconds = call.Duration?.TotalSeconds,
        Mos = call.MediaStats?.Mos,
        ErrorCode = call.LastError?.Code,
    };
}

[Description("How the calls' media was connected, from each call's media.transport.")]
public sealed record MediaConnectivity
{
    [Description("Calls per ICE-selected candidate pair (local and remote candidate types), most frequent first.")]
    public required IReadOnlyList<CandidatePairCount> CandidatePairs { get; init; }

    [Description("Calls per negotiated DTLS version, most frequent first.")]
    public required IReadOnlyList<NamedCount> DtlsVersions { get; init; }

    [Description("Calls per negotiated DTLS cipher suite, most frequent first.")]
    public required IReadOnlyList<NamedCount> CipherSuites { get; init; }

    [Description("Remote description applied → ICE selected the pair, milliseconds.")]
    public required Distribution IceMs { get; init; }

    [Description("Pair selected → DTLS handshake done, milliseconds.")]
    public required Distribution DtlsMs { get; init; }
}

[Description("Calls whose media went over one kind of candidate pair.")]
public sealed record CandidatePairCount
{
    [Description("Our candidate's type: host, srflx, prflx or relay.")]
    public required string Local { get; init; }

    [Description("The other side's candidate's type.")]
    public required string Remote { get; init; }

    [Description("Calls.")]
    public required long Count { get; init; }
}

[Description("Calls with one value.")]
public sealed record NamedCount
{
    [Description("The value, e.g. DTLS 1.2.")]
    public required string Name { get; init; }

    [Description("Calls.")]
    public required long Count { get; init; }
}
