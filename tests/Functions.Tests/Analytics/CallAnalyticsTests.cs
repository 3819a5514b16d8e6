using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Analytics;
using Serverless.Functions.Calls;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Analytics;

/// <summary>
/// GET /api/analytics/calls over a seeded month (3 numbers, both directions, every outcome, a spread of quality),
/// written by the rollup writer over Azurite concurrently and with redelivered and reordered ends, checked against
/// the seeded calls themselves.
/// </summary>
public sealed class CallAnalyticsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    internal static readonly string[] Numbers = ["1110001", "2220002", "3330003"];
    private static readonly string[] Errors = ["ice-failed", "meta-138006", "timeout", "meta-131047"];

    [Fact]
    public async Task A_seeded_month_is_counted_exactly_once_per_call_with_percentiles_within_the_stated_error()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var store = new CallRollupStore(
            AzuriteTables.Client(),
            Options.Create(new AnalyticsOptions { TablePrefix = app.TablePrefix, MaxConcurrencyRetries = 200 }),
            NullLogger<CallRollupStore>.Instance);
        var calls = Seed(360);

        // Concurrent writers race on the same rows (ETag merges); then every 5th call's end is redelivered, in
        // reverse order and twice at once (a retried input racing its redelivery).
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) => await store.RecordAsync(call, ct));
        var again = calls.Where((_, i) => i % 5 == 0).Reverse().ToList();
        await Parallel.ForEachAsync(again.Concat(again), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) => await store.RecordAsync(call, ct));

        // The whole month by number: month rows.
        var byNumber = await GetAsync(app, "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=phoneNumber");
        Assert.Equal("phoneNumber", byNumber.GetProperty("groupBy").GetString());
        var error = byNumber.GetProperty("percentileRelativeError").GetDouble();
        Assert.Equal(LogHistogram.RelativeError, error, 6);
        AssertGroup(calls, byNumber.GetProperty("total"), error);
        var groups = byNumber.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(Numbers, groups.Select(g => g.GetProperty("key").GetString()));
        foreach (var group in groups)
        {
            AssertGroup(calls.Where(c => c.BusinessPhoneNumberId == group.GetProperty("key").GetString()).ToList(), group, error);
        }

        // Per day: 30 groups, each exactly its calls.
        var byDay = await GetAsync(app, "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=day");
        var days = byDay.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        foreach (var day in days)
        {
            var date = DateTimeOffset.Parse(day.GetProperty("key").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            AssertGroup(calls.Where(c => c.CreatedAt >= date && c.CreatedAt < date.AddDays(1)).ToList(), day, error);
        }

        // A range cut mid-day (hour and day rows at the edges) by outcome and by direction.
        var from = new DateTimeOffset(2026, 11, 3, 5, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 11, 20, 17, 0, 0, TimeSpan.Zero);
        var inRange = calls.Where(c => c.CreatedAt >= from && c.CreatedAt < to).ToList();
        var byOutcome = await GetAsync(app, "from=2026-11-03T05:00:00Z&to=2026-11-20T17:00:00Z&groupBy=outcome");
        AssertGroup(inRange, byOutcome.GetProperty("total"), error);
        var outcomes = byOutcome.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["cancelled", "completed", "failed", "noAnswer", "rejected"], outcomes.Select(g => g.GetProperty("key").GetString()));
        foreach (var group in outcomes)
        {
            AssertGroup(inRange.Where(c => WireText.Of(c.Outcome!.Value) == group.GetProperty("key").GetString()).ToList(), group, error);
        }

        var byDirection = await GetAsync(app, "from=2026-11-03T05:00:00Z&to=2026-11-20T17:00:00Z&groupBy=direction");
        foreach (var group in byDirection.GetProperty("groups").EnumerateArray())
        {
            AssertGroup(inRange.Where(c => WireText.Of(c.Direction) == group.GetProperty("key").GetString()).ToList(), group, error);
        }

        // Hours: one group per hour with calls.
        var byHour = await GetAsync(app, "from=2026-11-10T00:00:00Z&to=2026-11-12T00:00:00Z&groupBy=hour");
        var hourCalls = calls.Where(c => c.CreatedAt >= Start.AddDays(9) && c.CreatedAt < Start.AddDays(11)).ToList();
        var hours = byHour.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(hourCalls.Select(c => RollupHour(c.CreatedAt)).Distinct().Order(StringComparer.Ordinal), hours.Select(h => h.GetProperty("key").GetString()));
        Assert.Equal(hourCalls.Count, hours.Sum(h => h.GetProperty("calls").GetInt64()));
    }

    [Fact]
    public async Task A_call_ended_through_the_flows_is_counted_once_with_its_media_stats_when_the_end_is_redelivered()
    {
        await using var app = await CallingApp.StartAsync();
        using var dial = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        var terminate = MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 42);
        await app.DeliverAsync(terminate);
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        await app.DeliverAsync(terminate);

        var hour = RollupHour(app.Time.GetUtcNow());
        var result = await GetAsync(app, $"from={hour}&to={RollupHour(app.Time.GetUtcNow().AddHours(1))}&groupBy=direction");
        var total = result.GetProperty("total");
        Assert.Equal(1, total.GetProperty("calls").GetInt64());
        Assert.Equal(1, total.GetProperty("outcomes").GetProperty("completed").GetInt64());
        Assert.Equal(1, total.GetProperty("answered").GetInt64());
        Assert.Equal(1.0, total.GetProperty("successRate").GetDouble());
        Assert.Equal(42, total.GetProperty("durationSeconds").GetProperty("max").GetDouble());
        var quality = total.GetProperty("quality");
        Assert.Equal(MediaNodeDouble.FinalStats.JitterMs, quality.GetProperty("jitterMs").GetProperty("max").GetDouble());
        Assert.Equal(MediaNodeDouble.FinalStats.RoundTripMs!.Value, quality.GetProperty("roundTripMs").GetProperty("max").GetDouble());
        Assert.Equal(100.0 * 12 / 2012, quality.GetProperty("lossPercent").GetProperty("max").GetDouble(), 9);
        Assert.Equal(1, total.GetProperty("setup").GetProperty("dialToRingingMs").GetProperty("count").GetInt64());
        var connectivity = total.GetProperty("connectivity");
        var pair = Assert.Single(connectivity.GetProperty("candidatePairs").EnumerateArray());
        Assert.Equal(("host", "srflx", 1L), (pair.GetProperty("local").GetString(), pair.GetProperty("remote").GetString(), pair.GetProperty("count").GetInt64()));
        Assert.Equal("DTLS 1.2", Assert.Single(connectivity.GetProperty("dtlsVersions").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(35.5, connectivity.GetProperty("iceMs").GetProperty("max").GetDouble());
        Assert.Equal(61.25, connectivity.GetProperty("dtlsMs").GetProperty("max").GetDouble());
        Assert.Equal("outbound", Assert.Single(result.GetProperty("groups").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_call_cut_by_a_node_drain_counts_as_failed_with_failure_node_drained_never_completed()
    {
        await using var app = await CallingApp.StartAsync();
        using var dial = await app.DialAsync(new { to = "+14155550123" });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        await app.Node.PostAsync(new MediaEnded
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats, Reason = HangupReason.NodeDrained,
        });

        var hour = RollupHour(app.Time.GetUtcNow());
        var total = (await GetAsync(app, $"from={hour}&to={RollupHour(app.Time.GetUtcNow().AddHours(1))}")).GetProperty("total");
        Assert.Equal((1L, 1L, 0L), (total.GetProperty("calls").GetInt64(), total.GetProperty("outcomes").GetProperty("failed").GetInt64(),
            total.GetProperty("outcomes").GetProperty("completed").GetInt64()));
        var failure = Assert.Single(total.GetProperty("topFailures").EnumerateArray());
        Assert.Equal(("node-drained", 1L), (failure.GetProperty("code").GetString(), failure.GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task The_permission_funnel_counts_requests_and_grants_once_each_beside_the_dialled_and_answered_calls()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var store = new CallRollupStore(
            AzuriteTables.Client(),
            Options.Create(new AnalyticsOptions { TablePrefix = app.TablePrefix, MaxConcurrencyRetries = 200 }),
            NullLogger<CallRollupStore>.Instance);
        var calls = Seed(120);
        var random = new Random(7);
        var steps = Enumerable.Range(0, 200).Select(i => (
            Number: Numbers[random.Next(Numbers.Length)],
            Step: i % 3 == 0 ? PermissionFunnelStep.Granted : PermissionFunnelStep.Requested,
            At: Start.AddMinutes(random.Next(0, 30 * 24 * 60)),
            Id: "wamid.HBgL" + i.ToString("D4", CultureInfo.InvariantCulture) + "/x=")).ToList();

        // Everything at once, then a third of the steps again (Meta redelivers webhooks), reversed.
        await Parallel.ForEachAsync(
            calls.Select(c => (Func<CancellationToken, Task>)(ct => store.RecordAsync(c, ct)))
                .Concat(steps.Select(s => (Func<CancellationToken, Task>)(ct => store.RecordPermissionAsync(s.Number, s.Step, s.At, s.Id, ct))))
                .Concat(steps.Where((_, i) => i % 3 == 1).Reverse().Select(s => (Func<CancellationToken, Task>)(ct => store.RecordPermissionAsync(s.Number, s.Step, s.At, s.Id, ct)))),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (record, ct) => await record(ct));

        void AssertFunnel(IEnumerable<CallRecord> groupCalls, IEnumerable<(string Number, PermissionFunnelStep Step, DateTimeOffset At, string Id)> groupSteps, JsonElement group)
        {
            var funnel = group.GetProperty("permissionFunnel");
            Assert.Equal(groupSteps.Count(s => s.Step == PermissionFunnelStep.Requested), funnel.GetProperty("requested").GetInt64());
            Assert.Equal(groupSteps.Count(s => s.Step == PermissionFunnelStep.Granted), funnel.GetProperty("granted").GetInt64());
            var outbound = groupCalls.Where(c => c.Direction == CallDirection.Outbound).ToList();
            Assert.Equal(outbound.Count, funnel.GetProperty("dialled").GetInt64());
            Assert.Equal(outbound.Count(c => c.ConnectedAt is not null), funnel.GetProperty("answered").GetInt64());
        }

        var byNumber = await GetAsync(app, "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=phoneNumber");
        AssertFunnel(calls, steps, byNumber.GetProperty("total"));
        foreach (var group in byNumber.GetProperty("groups").EnumerateArray())
        {
            var number = group.GetProperty("key").GetString();
            AssertFunnel(calls.Where(c => c.BusinessPhoneNumberId == number), steps.Where(s => s.Number == number), group);
        }

        // Cut mid-day (hour rows at the edges), by day.
        var from = new DateTimeOffset(2026, 11, 3, 5, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 11, 20, 17, 0, 0, TimeSpan.Zero);
        var byDay = await GetAsync(app, "from=2026-11-03T05:00:00Z&to=2026-11-20T17:00:00Z&groupBy=day");
        AssertFunnel(calls.Where(c => c.CreatedAt >= from && c.CreatedAt < to), steps.Where(s => s.At >= from && s.At < to), byDay.GetProperty("total"));
        foreach (var group in byDay.GetProperty("groups").EnumerateArray())
        {
            var day = DateTimeOffset.Parse(group.GetProperty("key").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var (start, end) = (day < from ? from : day, day.AddDays(1) > to ? to : day.AddDays(1));
            AssertFunnel(calls.Where(c => c.CreatedAt >= start && c.CreatedAt < end), steps.Where(s => s.At >= start && s.At < end), group);
        }

        // By outcome: requests and grants have none; they are in the total only, and every outcome group's calls are its own.
        var byOutcome = await GetAsync(app, "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=outcome");
        AssertFunnel(calls, steps, byOutcome.GetProperty("total"));
        Assert.All(byOutcome.GetProperty("groups").EnumerateArray(), g => Assert.Equal(0, g.GetProperty("permissionFunnel").GetProperty("requested").GetInt64()));
        Assert.Equal(calls.Count, byOutcome.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("calls").GetInt64()));
    }

    [Fact]
    public async Task Retention_deletes_the_rollup_periods_that_ended_before_the_cutoff_and_keeps_the_rest()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var store = new CallRollupStore(
            AzuriteTables.Client(),
            Options.Create(new AnalyticsOptions { TablePrefix = app.TablePrefix, MaxConcurrencyRetries = 200 }),
            NullLogger<CallRollupStore>.Instance);
        var calls = Seed(90);
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) => await store.RecordAsync(call, ct));
        var cutoff = new DateTimeOffset(2026, 11, 15, 5, 30, 0, TimeSpan.Zero);

        var deleted = await store.PurgeBeforeAsync(cutoff, maxPartitions: 10_000, CancellationToken.None);

        Assert.True(deleted > 0);
        // Hours before 05:00 and days before the 15th are gone: an hour range there is empty.
        var gone = await GetAsync(app, "from=2026-11-14T00:00:00Z&to=2026-11-15T05:00:00Z&groupBy=hour");
        Assert.Equal(0, gone.GetProperty("total").GetProperty("calls").GetInt64());
        // The hour of the cutoff and everything after it stay, exactly.
        var kept = await GetAsync(app, "from=2026-11-15T05:00:00Z&to=2026-11-20T00:00:00Z&groupBy=day");
        var from = new DateTimeOffset(2026, 11, 15, 5, 0, 0, TimeSpan.Zero);
        Assert.Equal(calls.Count(c => c.CreatedAt >= from && c.CreatedAt < from.AddHours(115)), kept.GetProperty("total").GetProperty("calls").GetInt64());
        // The month has not ended: its row still answers a whole-month query (no personal data in it).
        var month = await GetAsync(app, "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=phoneNumber");
        Assert.Equal(calls.Count, month.GetProperty("total").GetProperty("calls").GetInt64());
        // Nothing left before the cutoff to delete.
        Assert.Equal(0, await store.PurgeBeforeAsync(cutoff, maxPartitions: 10_000, CancellationToken.None));
    }

    [Fact]
    public async Task A_permission_request_sent_and_its_grant_webhook_delivered_twice_count_once_each()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        app.Graph.PermissionsJson = FakeGraph.Permissions("no_permission");
        using (var sent = await app.Client.PostAsync(new Uri("api/permissions/" + CallingApp.User + "/request", UriKind.Relative), null))
        {
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        }

        var grant = MetaWebhooks.PermissionReply("accept", permanent: true);
        await app.DeliverAsync(grant);
        await app.DeliverAsync(grant);
        await app.DeliverAsync(MetaWebhooks.PermissionReply("reject", permanent: false));

        // A day either side: the reply's timestamp is the real clock's, the request's the app's.
        var hour = app.Time.GetUtcNow();
        var result = await GetAsync(app, $"from={RollupHour(hour.AddDays(-1))}&to={RollupHour(hour.AddDays(1))}&groupBy=phoneNumber");
        var funnel = Assert.Single(result.GetProperty("groups").EnumerateArray()).GetProperty("permissionFunnel");
        Assert.Equal(1, funnel.GetProperty("requested").GetInt64());
        Assert.Equal(1, funnel.GetProperty("granted").GetInt64());
        Assert.Equal(0, funnel.GetProperty("dialled").GetInt64());
    }

    [Theory]
    [InlineData("to=2026-12-01T00:00:00Z", "'from' is required.")]
    [InlineData("from=2026-11-01T00:30:00Z&to=2026-12-01T00:00:00Z", "'from' must be a whole UTC hour.")]
    [InlineData("from=2026-11-01T00:00:00Z&to=tomorrow", "'to' is not an ISO 8601 time.")]
    [InlineData("from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "'to' must be after 'from'.")]
    [InlineData("from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=agent", "'groupBy=agent' is not available yet.")]
    [InlineData("from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&groupBy=week", "Unknown 'groupBy'.")]
    [InlineData("from=2026-11-01T00:00:00Z&to=2026-12-03T00:00:00Z&groupBy=hour", "The range is too long for groupBy=hour.")]
    [InlineData("from=2025-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", "The range is too long.")]
    public async Task A_bad_query_is_a_400_problem_naming_what_is_wrong(string query, string title)
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var response = await app.Client.GetAsync(new Uri("api/analytics/calls?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.EndsWith("/invalid-query", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }

    private static string RollupHour(DateTimeOffset at) =>
        new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero).UtcDateTime.ToString("yyyy-MM-dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> GetAsync(CallingApp app, string query)
    {
        using var response = await app.Client.GetAsync(new Uri("api/analytics/calls?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await CallingApp.ReadJsonAsync(response);
    }

    internal static void AssertGroup(List<CallRecord> calls, JsonElement group, double error)
    {
        Assert.Equal(calls.Count, group.GetProperty("calls").GetInt64());
        var outcomes = group.GetProperty("outcomes");
        foreach (var outcome in Enum.GetValues<CallOutcome>())
        {
            Assert.Equal(calls.Count(c => c.Outcome == outcome), outcomes.GetProperty(WireText.Of(outcome)).GetInt64());
        }

        var answered = calls.Count(c => c.ConnectedAt is not null);
        Assert.Equal(answered, group.GetProperty("answered").GetInt64());
        Assert.Equal((double)answered / calls.Count, group.GetProperty("answerRate").GetDouble(), 12);
        Assert.Equal((double)calls.Count(c => c.Outcome == CallOutcome.Completed) / calls.Count, group.GetProperty("successRate").GetDouble(), 12);

        AssertDistribution(calls.Where(c => c.Duration is not null).Select(c => c.Duration!.Value.TotalSeconds), group.GetProperty("durationSeconds"), error);
        var setup = group.GetProperty("setup");
        AssertDistribution(calls.Where(c => c is { Direction: CallDirection.Outbound, RingingAt: not null }).Select(c => (c.RingingAt!.Value - c.CreatedAt).TotalMilliseconds), setup.GetProperty("dialToRingingMs"), error);
        AssertDistribution(calls.Where(c => c is { Direction: CallDirection.Outbound, AnswerReceivedAt: not null }).Select(c => (c.AnswerReceivedAt!.Value - c.RingingAt!.Value).TotalMilliseconds), setup.GetProperty("ringingToAnsweredMs"), error);
        AssertDistribution(calls.Where(c => c is { Direction: CallDirection.Inbound, AcceptedAt: not null }).Select(c => (c.AcceptedAt!.Value - c.CreatedAt).TotalMilliseconds), setup.GetProperty("webhookToAcceptMs"), error);
        AssertDistribution(calls.Where(c => c.MediaConnectedAt is not null).Select(c => (c.MediaConnectedAt!.Value - (c.AnswerReceivedAt ?? c.AcceptedAt)!.Value).TotalMilliseconds), setup.GetProperty("answeredToMediaMs"), error);

        var quality = group.GetProperty("quality");
        var mos = calls.Where(c => c.MediaStats?.Mos is not null).Select(c => c.MediaStats!.Mos!.Value).ToList();
        AssertDistribution(mos, quality.GetProperty("mos"), error);
        Assert.Equal(mos.Count, quality.GetProperty("callsWithMos").GetInt64());
        AssertHistogram(mos, quality.GetProperty("mos"), error);
        AssertHistogram(calls.Where(c => c.MediaConnectedAt is not null).Select(c => (c.MediaConnectedAt!.Value - (c.AnswerReceivedAt ?? c.AcceptedAt)!.Value).TotalMilliseconds).ToList(), setup.GetProperty("answeredToMediaMs"), error);
        Assert.Equal(mos.Count(m => m < 3.5), quality.GetProperty("belowMos35").GetInt64());
        if (mos.Count == 0)
        {
            Assert.Equal(JsonValueKind.Null, quality.GetProperty("belowMos35Share").ValueKind);
        }
        else
        {
            Assert.Equal((double)mos.Count(m => m < 3.5) / mos.Count, quality.GetProperty("belowMos35Share").GetDouble(), 12);
        }

        var media = calls.Where(c => c.MediaStats is not null).Select(c => c.MediaStats!).ToList();
        AssertDistribution(media.Select(m => 100.0 * m.PacketsLost / (m.PacketsReceived + m.PacketsLost)), quality.GetProperty("lossPercent"), error);
        AssertDistribution(media.Select(m => m.JitterMs), quality.GetProperty("jitterMs"), error);
        AssertDistribution(media.Where(m => m.RoundTripMs is not null).Select(m => m.RoundTripMs!.Value), quality.GetProperty("roundTripMs"), error);

        var transports = calls.Where(c => c.MediaStats?.Transport is not null).Select(c => c.MediaStats!.Transport!).ToList();
        var connectivity = group.GetProperty("connectivity");
        var pairs = transports.GroupBy(t => (t.LocalCandidateType, t.RemoteCandidateType)).ToDictionary(g => g.Key, g => (long)g.Count());
        var reported = connectivity.GetProperty("candidatePairs").EnumerateArray()
            .ToDictionary(p => ((string?)p.GetProperty("local").GetString(), (string?)p.GetProperty("remote").GetString()), p => p.GetProperty("count").GetInt64());
        Assert.Equal(pairs.OrderBy(p => p.Key), reported.OrderBy(p => p.Key));
        Assert.Equal(
            transports.GroupBy(t => t.DtlsCipherSuite!).Select(g => (g.Key, (long)g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal),
            connectivity.GetProperty("cipherSuites").EnumerateArray().Select(v => (v.GetProperty("name").GetString()!, v.GetProperty("count").GetInt64())));
        AssertDistribution(transports.Select(t => t.IceMs!.Value), connectivity.GetProperty("iceMs"), error);
        AssertDistribution(transports.Select(t => t.DtlsMs!.Value), connectivity.GetProperty("dtlsMs"), error);

        var failures = calls.Where(c => c.LastError is not null).GroupBy(c => c.LastError!.Code)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var top = group.GetProperty("topFailures").EnumerateArray().ToList();
        Assert.Equal(failures.Select(f => (f.Key, (long)f.Count())), top.Select(t => (t.GetProperty("code").GetString()!, t.GetProperty("count").GetInt64())));
        foreach (var failure in top)
        {
            var code = failure.GetProperty("code").GetString()!;
            var metaCode = failure.GetProperty("metaCode");
            int? expected = code.StartsWith("meta-", StringComparison.Ordinal) ? int.Parse(code[5..], CultureInfo.InvariantCulture) : null;
            Assert.Equal(expected, metaCode.ValueKind == JsonValueKind.Null ? null : metaCode.GetInt32());
        }
    }

    /// <summary>Each bin holds its values, give or take those within the sketch's error of an edge; the bins add up to the count.</summary>
    private static void AssertHistogram(List<double> values, JsonElement distribution, double error)
    {
        var bins = distribution.GetProperty("histogram").EnumerateArray().ToList();
        Assert.NotEmpty(bins);
        Assert.Equal(values.Count, bins.Sum(b => b.GetProperty("count").GetInt64()));
        for (var j = 0; j < bins.Count; j++)
        {
            var from = j == 0 ? double.NegativeInfinity : bins[j].GetProperty("from").GetDouble();
            var to = bins[j].TryGetProperty("to", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : double.PositiveInfinity;
            var surely = values.Count(v => v >= from * (1 + error) && v < to * (1 - error));
            var maybe = values.Count(v => v >= from * (1 - error) && v < to * (1 + error));
            var count = bins[j].GetProperty("count").GetInt64();
            Assert.True(count >= surely && count <= maybe, $"bin {j} [{from}, {to}): {count}, expected {surely}..{maybe}");
        }
    }

    private static void AssertDistribution(IEnumerable<double> values, JsonElement distribution, double error)
    {
        var sorted = values.Order().ToList();
        Assert.Equal(sorted.Count, distribution.GetProperty("count").GetInt64());
        if (sorted.Count == 0)
        {
            Assert.Equal(JsonValueKind.Null, distribution.GetProperty("p50").ValueKind);
            return;
        }

        Assert.Equal(sorted[0], distribution.GetProperty("min").GetDouble(), 9);
        Assert.Equal(sorted[^1], distribution.GetProperty("max").GetDouble(), 9);
        // 1e-6 apart at most (summation order differs), not "equal after rounding to 6 places", which flips at x.xxxxxx5.
        Assert.Equal(sorted.Average(), distribution.GetProperty("mean").GetDouble(), 1e-6);
        foreach (var (name, q) in new[] { ("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99) })
        {
            // Nearest rank: the value of rank ceil(q·n).
            var exact = sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Count)) - 1];
            var reported = distribution.GetProperty(name).GetDouble();
            Assert.True(Math.Abs(reported - exact) <= (error * exact) + 1e-9, $"{name}: {reported} vs exact {exact} (n={sorted.Count})");
        }
    }

    /// <summary>Deterministic calls spread over 30 days: every outcome in both directions, every number, MOS 1.2-4.5.</summary>
    internal static List<CallRecord> Seed(int count)
    {
        var random = new Random(18);
        var outcomes = Enum.GetValues<CallOutcome>();
        var calls = new List<CallRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var created = Start.AddMinutes(random.Next(0, 30 * 24 * 60)).AddMilliseconds(random.Next(0, 60_000));
            var direction = i % 2 == 0 ? CallDirection.Outbound : CallDirection.Inbound;
            var outcome = outcomes[i % outcomes.Length];
            // Failed calls: half after connecting (media problem mid-call), half before.
            var connected = outcome == CallOutcome.Completed || (outcome == CallOutcome.Failed && i % 4 < 2);
            var ringingAt = direction == CallDirection.Outbound ? created.AddMilliseconds(150 + random.Next(0, 3000)) : (DateTimeOffset?)null;
            DateTimeOffset? answerAt = direction == CallDirection.Outbound && connected ? ringingAt!.Value.AddMilliseconds(1000 + random.Next(0, 20_000)) : null;
            DateTimeOffset? acceptedAt = direction == CallDirection.Inbound && connected ? created.AddMilliseconds(5 + random.Next(0, 400)) : null;
            DateTimeOffset? mediaAt = connected ? (answerAt ?? acceptedAt)!.Value.AddMilliseconds(20 + random.Next(0, 900)) : null;
            var duration = connected ? TimeSpan.FromSeconds(Math.Round(1 + (random.NextDouble() * 600), 3)) : (TimeSpan?)null;
            var ended = (mediaAt ?? ringingAt ?? created).AddSeconds(duration?.TotalSeconds ?? 30);
            MediaStats? media = connected
                ? new MediaStats
                {
                    DurationSeconds = duration!.Value.TotalSeconds,
                    PacketsReceived = 1000 + random.Next(0, 30_000),
                    PacketsSent = 1000,
                    PacketsLost = i % 3 == 0 ? 0 : random.Next(1, 2000),
                    JitterMs = Math.Round(random.NextDouble() * 80, 2),
                    RoundTripMs = i % 7 == 0 ? null : 10 + Math.Round(random.NextDouble() * 400, 1),
                    Mos = i % 11 == 0 ? null : Math.Round(1.2 + (random.NextDouble() * 3.3), 2),
                    Transport = i % 13 == 0 ? null : new MediaTransport
                    {
                        LocalCandidateType = i % 4 == 0 ? "relay" : "host",
                        RemoteCandidateType = MediaTransport.CandidateTypes[i % 3],
                        IceMs = Math.Round(5 + (random.NextDouble() * 900), 3),
                        DtlsMs = Math.Round(20 + (random.NextDouble() * 400), 3),
                        DtlsVersion = "DTLS 1.2",
                        DtlsCipherSuite = i % 5 == 0 ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    },
                }
                : null;
            calls.Add(new CallRecord
            {
                // Real ids (their time is the creation time), so the calls can be stored and listed by time too.
                CallId = CallIds.New(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(created)),
                Direction = direction,
                State = outcome == CallOutcome.Failed ? CallState.Failed : CallState.Ended,
                Outcome = outcome,
                BusinessPhoneNumberId = Numbers[i % Numbers.Length],
                UserWaId = "1415555" + (1000 + i).ToString(CultureInfo.InvariantCulture),
                CreatedAt = created,
                UpdatedAt = ended,
                RingingAt = ringingAt,
                AnswerReceivedAt = answerAt,
                AcceptedAt = acceptedAt,
                MediaConnectedAt = mediaAt,
                ConnectedAt = mediaAt,
                EndedAt = ended,
                Duration = duration,
                MediaStats = media,
                LastError = outcome == CallOutcome.Failed ? new CallError(Errors[(i / 5) % Errors.Length], "seeded") : null,
            });
        }

        return calls;
    }
}
