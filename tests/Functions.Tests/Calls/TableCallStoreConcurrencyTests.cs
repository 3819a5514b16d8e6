using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Tests.Calls;

/// <summary>Racing writers on one call and on one idempotency key, against a real Table service (Azurite).</summary>
public sealed class TableCallStoreConcurrencyTests : IAsyncLifetime
{
    private readonly string _prefix = AzuriteTables.UniquePrefix();
    private readonly FakeTimeProvider _clock = AzuriteTables.Clock();
    private TableCallStore _store = null!;

    public async Task InitializeAsync() => _store = await AzuriteTables.StoreAsync(_prefix, _clock);

    public Task DisposeAsync() => AzuriteTables.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task ETag_conflict_rereads_and_reapplies_on_the_fresh_record()
    {
        var call = await CreateConnectedAsync();
        var rival = await AzuriteTables.StoreAsync(_prefix, _clock);
        // Just before our transaction leaves, a rival ends the call: our ETag is stale when it arrives.
        var race = new BeforeFirstBatchPolicy(async () =>
            Assert.Equal(ApplyStatus.Applied, (await rival.ApplyAsync(call.CallId, new HangupRequested(), "rival-delete")).Status));
        var racer = await AzuriteTables.StoreAsync(_prefix, _clock, race);

        var result = await racer.ApplyAsync(call.CallId, new Terminated(TerminateStatus.Completed, 60, null), "wacid.C:terminate");

        Assert.Equal(2, race.Batches);
        Assert.Equal(ApplyStatus.NoChange, result.Status);
        var stored = await _store.GetAsync(call.CallId);
        Assert.Equal(CallState.Ended, stored!.State);
        Assert.Equal(new CallEndReason.BusinessHangup(), stored.EndReason);
        var history = await _store.GetHistoryAsync(call.CallId);
        Assert.Equal(["rival-delete", "wacid.C:terminate"], history.TakeLast(2).Select(e => e.DedupKey));
        Assert.Equal(TransitionKind.NoChange, history[^1].Result);
        Assert.Equal(stored.Version, history[^1].Sequence);
    }

    [Fact]
    public async Task Exhausted_retries_raise_a_typed_concurrency_error_and_record_nothing()
    {
        var call = await CreateConnectedAsync();
        var rival = await AzuriteTables.StoreAsync(_prefix, _clock);
        var race = new BeforeFirstBatchPolicy(() => rival.ApplyAsync(call.CallId, new MediaStatsReported(Stats(1)), "rival"));
        var racer = await AzuriteTables.StoreAsync(_prefix, _clock, race, maxRetries: 1);

        await Assert.ThrowsAsync<CallStoreConcurrencyException>(
            () => racer.ApplyAsync(call.CallId, new HangupRequested(), "lost"));

        Assert.DoesNotContain(await _store.GetHistoryAsync(call.CallId), e => e.DedupKey == "lost");
        Assert.Equal(CallState.Connected, (await _store.GetAsync(call.CallId))!.State);
    }

    [Fact]
    public async Task Twenty_concurrent_applies_on_one_call_lose_no_event_and_end_once()
    {
        var call = await CreateConnectedAsync();
        var before = (await _store.GetAsync(call.CallId))!.Version;
        CallTrigger[] triggers =
        [
            .. Enumerable.Range(0, 6).Select(i => (CallTrigger)new MediaStatsReported(Stats(i))),
            .. Enumerable.Range(0, 4).Select(_ => (CallTrigger)new StatusAccepted()),
            .. Enumerable.Range(0, 4).Select(_ => (CallTrigger)new AnswerReceived()),
            .. Enumerable.Range(0, 3).Select(_ => (CallTrigger)new Terminated(TerminateStatus.Completed, 60, null)),
            .. Enumerable.Range(0, 3).Select(_ => (CallTrigger)new HangupRequested()),
        ];
        Assert.Equal(20, triggers.Length);

        var results = await Task.WhenAll(triggers.Select((t, i) =>
            Task.Run(() => _store.ApplyAsync(call.CallId, t, $"delivery-{i}"))));

        var stored = await _store.GetAsync(call.CallId);
        var history = await _store.GetHistoryAsync(call.CallId);
        Assert.Equal(CallState.Ended, stored!.State);
        Assert.Single(results, r => r.BecameFinal);
        Assert.All(results, r => Assert.NotEqual(ApplyStatus.DuplicateDelivery, r.Status));
        Assert.Equal(before + 20, stored.Version);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"delivery-{i}").Order(), history.Skip((int)before).Select(e => e.DedupKey).Order());
        Assert.Equal(Enumerable.Range(1, (int)stored.Version).Select(i => (long)i), history.Select(e => e.Sequence));
        Assert.Single(history, e => e.Result == TransitionKind.Applied && e.StateAfter == CallState.Ended
            && e.Trigger is nameof(Terminated) or nameof(HangupRequested));
        Assert.All(results, r => Assert.Contains(history, e => e.Sequence == r.Event!.Sequence && e.DedupKey == r.Event.DedupKey));
    }

    [Fact]
    public async Task Two_concurrent_idempotency_reservations_one_wins_the_other_gets_its_call_id()
    {
        var a = CallIds.New(_clock);
        var b = CallIds.New(_clock);

        var results = await Task.WhenAll(
            Task.Run(() => _store.TryReserveIdempotencyKeyAsync("Idempotency/Key?#1", a)),
            Task.Run(() => _store.TryReserveIdempotencyKeyAsync("Idempotency/Key?#1", b)));

        var winner = Assert.Single(results, r => r.Reserved);
        var loser = Assert.Single(results, r => !r.Reserved);
        Assert.Contains(winner.CallId, new[] { a, b });
        Assert.Equal(winner.CallId, loser.CallId);
    }

    [Fact]
    public async Task Reserving_an_idempotency_key_again_for_the_same_call_is_still_ours()
    {
        var a = CallIds.New(_clock);
        await _store.TryReserveIdempotencyKeyAsync("k-2", a);

        Assert.Equal(new IdempotencyReservation(true, a), await _store.TryReserveIdempotencyKeyAsync("k-2", a));
        Assert.Equal(new IdempotencyReservation(false, a), await _store.TryReserveIdempotencyKeyAsync("k-2", CallIds.New(_clock)));
    }

    private async Task<CallRecord> CreateConnectedAsync()
    {
        var call = CallRecord.NewOutbound(CallIds.New(_clock), "PNID1", "16315553602", _clock.GetUtcNow(), CallTimeouts.Default);
        Assert.True((await _store.CreateAsync(call)).Created);
        var wacid = "wacid." + call.CallId;
        foreach (var (trigger, key) in new (CallTrigger, string)[]
        {
            (new OfferReady("node-1"), "offer"),
            (new ConnectSent(wacid), "connect"),
            (new AnswerReceived(), "answer"),
            (new MediaConnected(), "media"),
        })
        {
            Assert.Equal(ApplyStatus.Applied, (await _store.ApplyAsync(call.CallId, trigger, key)).Status);
        }

        return call;
    }

    private static Serverless.Shared.Media.MediaStats Stats(int i) => new() { PacketsSent = i, PacketsReceived = i, BytesSent = i * 160, BytesReceived = i * 160 };
}
