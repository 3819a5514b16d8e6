using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Analytics;
using Serverless.Functions.Calls;
using Serverless.Functions.Storage;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;

namespace Serverless.Functions.Tests.Analytics;

/// <summary>
/// The analytics backfill over Azurite, started and watched over HTTP (master key), its pages delivered by the host's
/// queue trigger: calls stored before the rollups (or counted live meanwhile) end up counted exactly once each, also
/// when page messages are duplicated and when the backfill runs twice; partitions stored before total rows get theirs.
/// </summary>
public sealed class RollupBackfillTests
{
    private const string Month = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";

    [Fact]
    public async Task The_backfill_counts_every_stored_call_once_beside_the_live_counts_and_duplicated_pages()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        var calls = CallAnalyticsTests.Seed(150);
        var store = app.Host.Services.GetRequiredService<ICallStore>();
        var rollups = app.Host.Services.GetRequiredService<CallRollupStore>();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) =>
            Assert.Equal(CreateCallStatus.Created, (await store.CreateAsync(call, ct)).Status));
        // A third was counted live; then their partitions lose the total rows, as partitions stored before totals existed.
        var live = calls.Where((_, i) => i % 3 == 0).ToList();
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (call, ct) => await rollups.RecordAsync(call, ct));
        var table = AzuriteTables.Client().GetTableClient(app.TablePrefix + "CallRollups");
        await foreach (var total in table.QueryAsync<TableEntity>("RowKey eq 't'", select: ["PartitionKey", "RowKey"]))
        {
            await table.DeleteEntityAsync(total.PartitionKey, total.RowKey);
        }

        Assert.Equal(live.Count, (await AnalyticsAsync(app, Month + "&groupBy=phoneNumber")).GetProperty("total").GetProperty("calls").GetInt64());
        Assert.Equal(0, (await AnalyticsAsync(app, Month + "&groupBy=day")).GetProperty("total").GetProperty("calls").GetInt64());

        using var admin = app.Host.CreateClient(app.Host.Keys.MasterKey);
        using (var before = await admin.GetAsync(new Uri("api/analytics/backfill", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        // A function key cannot start it.
        using (var keyed = await app.Client.PostAsync(new Uri("api/analytics/backfill", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, keyed.StatusCode);
        }

        var runId = await StartAsync(app, admin);
        // The first page's message twice (a redelivery racing the original).
        await app.Host.Services.GetRequiredService<WorkScheduler>().ScheduleAsync(WorkQueueOptions.AnalyticsBackfill, runId + "|", app.Time.GetUtcNow(), CancellationToken.None);
        var state = await RunToEndAsync(app, admin);
        Assert.Equal(runId, state.GetProperty("runId").GetString());
        Assert.Equal((calls.Count + RollupBackfill.PageSize - 1) / RollupBackfill.PageSize, state.GetProperty("pages").GetInt32());
        Assert.Equal(calls.Count, state.GetProperty("calls").GetInt64());
        await AssertCountedOnceAsync(app, calls);

        // A second run counts nothing again.
        await StartAsync(app, admin);
        await RunToEndAsync(app, admin);
        await AssertCountedOnceAsync(app, calls);
    }

    private static async Task AssertCountedOnceAsync(CallingApp app, List<CallRecord> calls)
    {
        var byNumber = await AnalyticsAsync(app, Month + "&groupBy=phoneNumber");
        var error = byNumber.GetProperty("percentileRelativeError").GetDouble();
        CallAnalyticsTests.AssertGroup(calls, byNumber.GetProperty("total"), error);
        var byDay = await AnalyticsAsync(app, Month + "&groupBy=day");
        CallAnalyticsTests.AssertGroup(calls, byDay.GetProperty("total"), error);
        foreach (var day in byDay.GetProperty("groups").EnumerateArray())
        {
            var date = DateTimeOffset.Parse(day.GetProperty("key").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            CallAnalyticsTests.AssertGroup(calls.Where(c => c.CreatedAt >= date && c.CreatedAt < date.AddDays(1)).ToList(), day, error);
        }
    }

    private static async Task<string> StartAsync(CallingApp app, HttpClient admin)
    {
        using var started = await admin.PostAsync(new Uri("api/analytics/backfill", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var state = await CallingApp.ReadJsonAsync(started);
        Assert.Equal(app.Time.GetUtcNow(), state.GetProperty("until").GetDateTimeOffset());
        return state.GetProperty("runId").GetString()!;
    }

    /// <summary>Delivers the backfill's queue until its state says finished (each pass delivers the pages sent meanwhile).</summary>
    private static async Task<JsonElement> RunToEndAsync(CallingApp app, HttpClient admin)
    {
        for (var pass = 0; pass < 20; pass++)
        {
            await app.Host.RunQueueAsync("AnalyticsBackfillPage");
            using var response = await admin.GetAsync(new Uri("api/analytics/backfill", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var state = await CallingApp.ReadJsonAsync(response);
            if (state.TryGetProperty("finishedAt", out var finished) && finished.ValueKind == JsonValueKind.String)
            {
                return state;
            }
        }

        throw new TimeoutException("The backfill did not finish in 20 passes of its queue.");
    }

    private static async Task<JsonElement> AnalyticsAsync(CallingApp app, string query)
    {
        using var response = await app.Client.GetAsync(new Uri("api/analytics/calls?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await CallingApp.ReadJsonAsync(response);
    }
}
