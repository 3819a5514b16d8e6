using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Functions.Analytics;
using Serverless.Functions.Calls;
using Serverless.Shared.Media;

namespace Serverless.Benchmarks;

/// <summary>
/// Issue 18's benchmark: a year of call rollups (3 numbers, both directions, every outcome, MOS/loss/jitter/RTT,
/// setup times, ICE/DTLS) in Azurite, then the analytics query the HTTP function runs (<see cref="CallAnalytics.QueryAsync"/>
/// and the JSON of its answer), in process, cold (a new store, table client and connections per run) and warm.
/// Seeding aggregates the synthetic ended calls with the product's own <see cref="CallRollup.Add"/> and writes each row
/// with <see cref="CallRollupStore"/>'s own row writer (<c>CallRollupStore.Write</c>, internal), in batches per partition
/// with the hour's and day's total row (<c>t</c>) and the per-call marker rows, because <see cref="CallRollupStore.RecordAsync"/> costs six round trips a call
/// (about 650,000 for a year) and the query reads rows, whose number and content this reproduces.
/// Run with Azurite up, in a loopback-only namespace: bash scripts/benchmark-calls.sh analytics-year [callsPerDay] [runs].
/// </summary>
internal static class AnalyticsYearLoad
{
    private static readonly string[] Numbers = ["1110001", "2220002", "3330003"];
    private static readonly string[] Errors = ["ice-failed", "meta-138006", "timeout", "meta-131047", "meta-131049"];
    private static readonly DateTimeOffset Year = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(int callsPerDay, int runs)
    {
        var connection = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";
        var options = Options.Create(new AnalyticsOptions { TablePrefix = "b" + Guid.NewGuid().ToString("N")[..12] });
        var from = Year;
        var to = Year.AddYears(1);

        var seeding = Stopwatch.StartNew();
        var seeded = await SeedAsync(new TableServiceClient(connection).GetTableClient(options.Value.TableName), callsPerDay, from, to);
        Console.WriteLine($"analytics-year: seeded {seeded.Calls:N0} calls ({callsPerDay}/day, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}) as {seeded.Rows:N0} rollup rows and {seeded.Markers:N0} markers in {seeding.Elapsed.TotalSeconds:F1} s");

        var warmStore = NewStore(connection, options);
        var warm = new CallAnalytics(warmStore);
        foreach (var groupBy in new[] { AnalyticsGroupBy.Day, AnalyticsGroupBy.PhoneNumber, AnalyticsGroupBy.Outcome })
        {
            var granularity = groupBy == AnalyticsGroupBy.Day ? RollupGranularity.Day : RollupGranularity.Month;
            // The spans CallAnalytics tiles a whole-day (month) aligned year into: one span of the coarsest rows.
            var rows = await ReadRowsAsync(warmStore, granularity, from, to);
            var first = await QueryAsync(warm, from, to, groupBy);
            if (first.Calls != seeded.Calls)
            {
                throw new InvalidOperationException($"groupBy={groupBy}: the answer counts {first.Calls} calls, {seeded.Calls} were seeded.");
            }

            var cold = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                cold.Add((await QueryAsync(new CallAnalytics(NewStore(connection, options)), from, to, groupBy)).Ms);
            }

            var warmRuns = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                warmRuns.Add((await QueryAsync(warm, from, to, groupBy)).Ms);
            }

            // Where the time goes: the rows' read alone (table query, transfer, each row's JSON deserialized).
            var reads = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await ReadRowsAsync(warmStore, granularity, from, to);
                reads.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"groupBy={WireText.Of(groupBy)}: rows' read alone (warm) p50 {Percentile(reads, 50):F0} ms p99 {Percentile(reads, 99):F0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"groupBy={WireText.Of(groupBy)}: {rows.Count} rows read ({granularity} rows), {first.Groups} groups, {first.Bytes / 1024.0:F0} KiB JSON; " +
                $"first {first.Ms:F0} ms; cold p50 {Percentile(cold, 50):F0} ms p99 {Percentile(cold, 99):F0} ms; warm p50 {Percentile(warmRuns, 50):F0} ms p99 {Percentile(warmRuns, 99):F0} ms ({runs} runs each)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average: {File.ReadAllText("/proc/loadavg").Trim()}"));
        await new TableServiceClient(connection).DeleteTableAsync(options.Value.TableName);
    }

    // What CallAnalytics reads: by day the days' total rows, else the months' dimension rows.
    private static Task<IReadOnlyList<RollupRow>> ReadRowsAsync(CallRollupStore store, RollupGranularity granularity, DateTimeOffset from, DateTimeOffset to) =>
        granularity == RollupGranularity.Day
            ? store.ReadTotalsAsync([(granularity, from, to)], CancellationToken.None)
            : store.ReadAsync([(granularity, from, to)], CancellationToken.None);

    private static CallRollupStore NewStore(string connection, IOptions<AnalyticsOptions> options) =>
        new(new TableServiceClient(connection), options, NullLogger<CallRollupStore>.Instance);

    /// <summary>What the HTTP function does after parsing: the query, then the answer's JSON (web defaults).</summary>
    private static async Task<(double Ms, long Calls, int Groups, int Bytes)> QueryAsync(CallAnalytics analytics, DateTimeOffset from, DateTimeOffset to, AnalyticsGroupBy groupBy)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await analytics.QueryAsync(from, to, groupBy, CancellationToken.None);
        var json = JsonSerializer.SerializeToUtf8Bytes(answer, JsonSerializerOptions.Web);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, answer.Total.Calls, answer.Groups.Count, json.Length);
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }

    private static async Task<(long Calls, long Rows, long Markers)> SeedAsync(TableClient table, int callsPerDay, DateTimeOffset from, DateTimeOffset to)
    {
        await table.CreateIfNotExistsAsync();
        var random = new Random(18);
        long calls = 0, rows = 0, markers = 0;
        var pending = new List<Task>();
        var gate = new SemaphoreSlim(8);
        var month = new Dictionary<string, CallRollup>(StringComparer.Ordinal);
        var monthMarkers = new List<string>();

        void Submit(string partition, Dictionary<string, CallRollup> partitionRows, List<string> partitionMarkers, bool withTotal)
        {
            var total = new CallRollup();
            foreach (var row in partitionRows.Values)
            {
                total.Merge(row);
            }

            var entities = partitionRows.Select(r => CallRollupStore.Write(partition, r.Key, r.Value))
                .Concat(withTotal ? [CallRollupStore.Write(partition, CallRollupStore.TotalRow, total)] : [])
                .Concat(partitionMarkers.Select(m => new TableEntity(partition, "c|" + m)))
                .ToList();
            rows += partitionRows.Count + (withTotal ? 1 : 0);
            markers += partitionMarkers.Count;
            foreach (var chunk in entities.Chunk(100))
            {
                pending.Add(SubmitAsync(chunk));
            }
        }

        async Task SubmitAsync(TableEntity[] chunk)
        {
            await gate.WaitAsync();
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
            }
            finally
            {
                gate.Release();
            }
        }

        for (var day = from; day < to; day = day.AddDays(1))
        {
            var dayRows = new Dictionary<string, CallRollup>(StringComparer.Ordinal);
            var hours = new SortedDictionary<int, (Dictionary<string, CallRollup> Rows, List<string> Markers)>();
            var dayMarkers = new List<string>(callsPerDay);
            // Busier in office hours: a call's hour is drawn from 07:00-20:00 four times in five.
            for (var i = 0; i < callsPerDay; i++, calls++)
            {
                var call = Call(random, day, calls);
                var rowKey = "r|" + call.BusinessPhoneNumberId + "|" + WireText.Of(call.Direction) + "|" + WireText.Of(call.Outcome!.Value);
                Add(dayRows, rowKey, call);
                Add(month, rowKey, call);
                if (!hours.TryGetValue(call.CreatedAt.Hour, out var hour))
                {
                    hours[call.CreatedAt.Hour] = hour = (new Dictionary<string, CallRollup>(StringComparer.Ordinal), []);
                }

                Add(hour.Rows, rowKey, call);
                hour.Markers.Add(call.CallId);
                dayMarkers.Add(call.CallId);
                monthMarkers.Add(call.CallId);
            }

            foreach (var (hour, content) in hours)
            {
                Submit("h-" + day.AddHours(hour).ToString("yyyyMMddHH", CultureInfo.InvariantCulture), content.Rows, content.Markers, withTotal: true);
            }

            Submit("d-" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), dayRows, dayMarkers, withTotal: true);
            if (day.AddDays(1).Month != day.Month)
            {
                Submit("m-" + day.ToString("yyyyMM", CultureInfo.InvariantCulture), month, monthMarkers, withTotal: false);
                month = new Dictionary<string, CallRollup>(StringComparer.Ordinal);
                monthMarkers = [];
            }

            if (pending.Count > 64)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        return (calls, rows, markers);
    }

    private static void Add(Dictionary<string, CallRollup> rows, string rowKey, CallRecord call)
    {
        if (!rows.TryGetValue(rowKey, out var rollup))
        {
            rows[rowKey] = rollup = new CallRollup();
        }

        rollup.Add(call);
    }

    /// <summary>One synthetic ended call of <paramref name="day"/>: outcomes 60 % completed, the rest spread; MOS 1.2-4.5.</summary>
    private static CallRecord Call(Random random, DateTimeOffset day, long n)
    {
        var minute = random.Next(5) == 0 ? random.Next(0, 24 * 60) : random.Next(7 * 60, 20 * 60);
        var created = day.AddMinutes(minute).AddMilliseconds(random.Next(0, 60_000));
        var direction = random.Next(2) == 0 ? CallDirection.Outbound : CallDirection.Inbound;
        var roll = random.Next(100);
        var outcome = roll switch
        {
            < 60 => CallOutcome.Completed,
            < 72 => CallOutcome.NoAnswer,
            < 82 => CallOutcome.Rejected,
            < 92 => CallOutcome.Cancelled,
            _ => CallOutcome.Failed,
        };
        var connected = outcome == CallOutcome.Completed || (outcome == CallOutcome.Failed && random.Next(2) == 0);
        var ringingAt = direction == CallDirection.Outbound ? created.AddMilliseconds(150 + random.Next(0, 3000)) : (DateTimeOffset?)null;
        DateTimeOffset? answerAt = direction == CallDirection.Outbound && connected ? ringingAt!.Value.AddMilliseconds(1000 + random.Next(0, 20_000)) : null;
        DateTimeOffset? acceptedAt = direction == CallDirection.Inbound && connected ? created.AddMilliseconds(5 + random.Next(0, 400)) : null;
        DateTimeOffset? mediaAt = connected ? (answerAt ?? acceptedAt)!.Value.AddMilliseconds(20 + random.Next(0, 900)) : null;
        var duration = connected ? TimeSpan.FromSeconds(Math.Round(1 + (random.NextDouble() * 900), 3)) : (TimeSpan?)null;
        var ended = (mediaAt ?? ringingAt ?? created).AddSeconds(duration?.TotalSeconds ?? 30);
        var media = connected
            ? new MediaStats
            {
                DurationSeconds = duration!.Value.TotalSeconds,
                PacketsReceived = 1000 + random.Next(0, 45_000),
                PacketsSent = 1000 + random.Next(0, 45_000),
                PacketsLost = random.Next(3) == 0 ? 0 : random.Next(1, 2000),
                JitterMs = Math.Round(random.NextDouble() * 80, 2),
                RoundTripMs = random.Next(7) == 0 ? null : 10 + Math.Round(random.NextDouble() * 400, 1),
                Mos = random.Next(11) == 0 ? null : Math.Round(1.2 + (random.NextDouble() * 3.3), 2),
                Transport = new MediaTransport
                {
                    LocalCandidateType = random.Next(4) == 0 ? "relay" : "host",
                    RemoteCandidateType = MediaTransport.CandidateTypes[random.Next(MediaTransport.CandidateTypes.Count)],
                    IceMs = Math.Round(5 + (random.NextDouble() * 900), 3),
                    DtlsMs = Math.Round(20 + (random.NextDouble() * 400), 3),
                    DtlsVersion = "DTLS 1.2",
                    DtlsCipherSuite = random.Next(5) == 0 ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                },
            }
            : null;
        return new CallRecord
        {
            CallId = "bench" + n.ToString("D9", CultureInfo.InvariantCulture),
            Direction = direction,
            State = outcome == CallOutcome.Failed ? CallState.Failed : CallState.Ended,
            Outcome = outcome,
            BusinessPhoneNumberId = Numbers[random.Next(Numbers.Length)],
            UserWaId = "1415555" + (1000 + (n % 9000)).ToString(CultureInfo.InvariantCulture),
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
            LastError = outcome == CallOutcome.Failed ? new CallError(Errors[random.Next(Errors.Length)], "seeded") : null,
        };
    }
}
