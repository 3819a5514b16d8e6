using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Tests.Calls;

/// <summary>Listing with paging and filters, and the sweeper's overdue query, against Azurite.</summary>
public sealed class TableCallStoreQueryTests : IAsyncLifetime
{
    private readonly string _prefix = AzuriteTables.UniquePrefix();
    private readonly FakeTimeProvider _clock = AzuriteTables.Clock();
    private TableCallStore _store = null!;

    public async Task InitializeAsync() => _store = await AzuriteTables.StoreAsync(_prefix, _clock);

    public Task DisposeAsync() => AzuriteTables.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task List_pages_through_every_call_once_newest_first_with_continuation_tokens()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync());
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        var seen = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await _store.ListAsync(null, null, token, pageSize: 2);
            Assert.True(page.Calls.Count <= 2);
            seen.AddRange(page.Calls.Select(c => c.CallId));
            token = page.ContinuationToken;
            pages++;
            Assert.True(pages <= 10, "paging does not terminate");
        }
        while (token is not null);

        Assert.True(pages >= 3);
        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public async Task List_filters_by_state_and_creation_time()
    {
        var old = await CreateAsync();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var since = _clock.GetUtcNow();
        var recentPreparing = await CreateAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(1)); // call ids sort by creation millisecond
        var recentRinging = await CreateAsync();
        await _store.ApplyAsync(recentRinging, new ConnectSent("wacid.L"), "connect");

        var preparing = await _store.ListAsync(CallState.Preparing, null, null, 50);
        var recent = await _store.ListAsync(null, since, null, 50);
        var recentRingingOnly = await _store.ListAsync(CallState.Ringing, since, null, 50);

        Assert.Equal([recentPreparing, old], preparing.Calls.Select(c => c.CallId));
        Assert.Equal([recentRinging, recentPreparing], recent.Calls.Select(c => c.CallId));
        Assert.Equal([recentRinging], recentRingingOnly.Calls.Select(c => c.CallId));
        Assert.Null(recent.ContinuationToken);
    }

    [Fact]
    public async Task Malformed_continuation_token_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ListAsync(null, null, "***not base64***", 10));
    }

    [Fact]
    public async Task Overdue_lists_only_non_final_calls_past_their_deadline()
    {
        var stuckPreparing = await CreateAsync();                         // no node claims it: deadline T0 + 10 s (placement)
        var endedEarly = await CreateAsync();
        await _store.ApplyAsync(endedEarly, new HangupRequested(), "delete");
        _clock.Advance(TimeSpan.FromSeconds(20));
        var ringing = await CreateAsync();
        await _store.ApplyAsync(ringing, new ConnectSent("wacid.O"), "connect"); // deadline T0 + 20 s + 90 s

        var atDeadline = await _store.ListOverdueAsync(CallScenarios.T0.AddSeconds(10), 10);
        var beforeDeadline = await _store.ListOverdueAsync(CallScenarios.T0.AddSeconds(9), 10);
        var later = await _store.ListOverdueAsync(CallScenarios.T0.AddSeconds(200), 10);
        var capped = await _store.ListOverdueAsync(CallScenarios.T0.AddSeconds(200), 1);

        Assert.Equal([stuckPreparing], atDeadline.Select(c => c.CallId));
        Assert.Empty(beforeDeadline);
        Assert.Equal([stuckPreparing, ringing], later.Select(c => c.CallId)); // by the index: the most overdue first
        Assert.Single(capped);
    }

    [Fact]
    public async Task Overdue_and_node_lists_read_the_index_only_and_drop_its_stale_rows()
    {
        var indexed = await CreateAsync();
        var unindexed = await CreateAsync();
        await _store.ApplyAsync(indexed, new OfferReady("node-a"), "offer-1");
        await _store.ApplyAsync(unindexed, new OfferReady("node-a"), "offer-2");
        var index = AzuriteTables.Client().GetTableClient(_prefix + "CallIndex");
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in index.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey == unindexed))
        {
            rows.Add(row);
        }

        Assert.Equal(2, rows.Count); // its deadline minute and its node
        foreach (var row in rows)
        {
            await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        // A row whose call is gone (erased, or a lost race's leftover) is dropped by the reader.
        await index.AddEntityAsync(new Azure.Data.Tables.TableEntity(CallIndex.NodePartition("node-a"), "call_gone"));
        var onNode = await _store.ListLiveOnNodeAsync("node-a", 10);
        _clock.Advance(TimeSpan.FromHours(5));
        var overdue = await _store.ListOverdueAsync(_clock.GetUtcNow(), 10);

        // The calls table holds both calls; only the indexed one is seen, so no query scanned the calls.
        Assert.Equal([indexed], onNode.Select(c => c.CallId));
        Assert.Equal([indexed], overdue.Select(c => c.CallId));
        Assert.False((await index.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(CallIndex.NodePartition("node-a"), "call_gone")).HasValue);

        // A call that ends leaves the node's index at once.
        await _store.ApplyAsync(indexed, new HangupRequested(), "hangup");
        Assert.False((await index.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(CallIndex.NodePartition("node-a"), indexed)).HasValue);
        Assert.Empty(await _store.ListLiveOnNodeAsync("node-a", 10));
    }

    [Fact]
    public async Task Backfill_indexes_calls_made_before_the_index_once_page_by_page_so_the_sweeper_and_node_watch_see_them()
    {
        var live = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            live.Add(await CreateAsync());
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        await _store.ApplyAsync(live[0], new OfferReady("node-old"), "offer-0");
        var ended = await CreateAsync();
        await _store.ApplyAsync(ended, new HangupRequested(), "delete");
        // As before the index existed: calls in the calls table, none in the index (the marker row absent too).
        var index = AzuriteTables.Client().GetTableClient(_prefix + "CallIndex");
        await foreach (var row in index.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        _clock.Advance(TimeSpan.FromHours(5));
        Assert.Empty(await _store.ListOverdueAsync(_clock.GetUtcNow(), 10));
        Assert.Empty(await _store.ListLiveOnNodeAsync("node-old", 10));

        // One page of 2 per run: it stops after each and the next run resumes where it stopped.
        var runs = new List<CallIndexBackfillResult>();
        do
        {
            runs.Add(await _store.BackfillIndexAsync(pageSize: 2, maxPages: 1));
            Assert.True(runs.Count <= 10, "the backfill does not finish");
        }
        while (!runs[^1].Done);

        Assert.True(runs.Count >= 2, $"{runs.Count} run(s)");
        Assert.All(runs, r => Assert.InRange(r.Indexed, 0, 2));
        Assert.Equal(live.Count, runs.Sum(r => r.Indexed)); // every live call once, the ended one not at all
        Assert.Equal(live.Order(StringComparer.Ordinal), (await _store.ListOverdueAsync(_clock.GetUtcNow(), 10)).Select(c => c.CallId).Order(StringComparer.Ordinal));
        Assert.Equal([live[0]], (await _store.ListLiveOnNodeAsync("node-old", 10)).Select(c => c.CallId));

        // Done for good: a later run (another instance, the next sweep) reads nothing.
        Assert.Equal(new CallIndexBackfillResult(0, true), await _store.BackfillIndexAsync(pageSize: 2, maxPages: 1));
    }

    [Fact]
    public async Task Sweeper_deadline_apply_fails_an_overdue_call_once()
    {
        var callId = await CreateAsync();
        _clock.Advance(TimeSpan.FromSeconds(31));
        var overdue = Assert.Single(await _store.ListOverdueAsync(_clock.GetUtcNow(), 10));

        var first = await _store.ApplyAsync(overdue.CallId, new DeadlinePassed(), CallDedupKeys.Sweep(overdue.CallId, overdue.Deadline!.Value));
        var second = await _store.ApplyAsync(overdue.CallId, new DeadlinePassed(), CallDedupKeys.Sweep(overdue.CallId, overdue.Deadline!.Value));

        Assert.True(first.BecameFinal);
        Assert.Equal(new CallEndReason.Timeout(CallState.Preparing), first.Call!.EndReason);
        Assert.Equal(ApplyStatus.DuplicateDelivery, second.Status);
        Assert.Empty(await _store.ListOverdueAsync(_clock.GetUtcNow(), 10));
        Assert.Equal(callId, first.Call.CallId);
    }

    private async Task<string> CreateAsync()
    {
        var call = CallRecord.NewOutbound(CallIds.New(_clock), "PNID1", "16315553602", _clock.GetUtcNow(), CallTimeouts.Default);
        Assert.True((await _store.CreateAsync(call)).Created);
        return call.CallId;
    }
}
