using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Tests.Calls;

/// <summary>TableCallStore against a real Table service (Azurite): records, indexes, history, dedup.</summary>
public sealed class TableCallStoreTests : IAsyncLifetime
{
    private readonly string _prefix = AzuriteTables.UniquePrefix();
    private readonly FakeTimeProvider _clock = AzuriteTables.Clock();
    private TableCallStore _store = null!;

    public async Task InitializeAsync() => _store = await AzuriteTables.StoreAsync(_prefix, _clock);

    public Task DisposeAsync() => AzuriteTables.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task Create_then_Get_round_trips_every_field()
    {
        var call = NewOutbound() with
        {
            State = CallState.Ended,
            Outcome = CallOutcome.Failed,
            Wacid = "wacid.ABC/+=",
            RingingAt = _clock.GetUtcNow().AddSeconds(1),
            AnswerReceivedAt = _clock.GetUtcNow().AddSeconds(2),
            AcceptedAt = _clock.GetUtcNow().AddSeconds(3),
            MediaConnectedAt = _clock.GetUtcNow().AddSeconds(4),
            ConnectedAt = _clock.GetUtcNow().AddSeconds(5),
            EndedAt = _clock.GetUtcNow().AddSeconds(65),
            Duration = TimeSpan.FromSeconds(60),
            EndReason = new CallEndReason.MetaError(138021, "Media receive timeout"),
            LastError = CallError.Meta(138021, "Media receive timeout"),
            MediaStats = new Serverless.Shared.Media.MediaStats
            {
                DurationSeconds = 60.2, PacketsSent = 3000, PacketsReceived = 2990, BytesSent = 480_000, BytesReceived = 478_400,
                PacketsLost = 10, PacketsLostByRemote = 2, RoundTripMs = 41.5, JitterMs = 2.25, Mos = 4.3,
            },
            Recording = new Serverless.Shared.Media.RecordingInfo { BlobName = "recordings/c.ogg", ContentType = "audio/ogg", DurationSeconds = 3.02, SizeBytes = 9_876 },
            Inputs =
            [
                new Serverless.Shared.Media.DigitInput
                {
                    Digits = "123", EndedBy = Serverless.Shared.Media.InputEnd.Terminator, Terminator = "#", Name = "pin",
                    StartedAt = _clock.GetUtcNow().AddSeconds(6), EndedAt = _clock.GetUtcNow().AddSeconds(9),
                },
                new Serverless.Shared.Media.DigitInput
                {
                    Digits = "9", EndedBy = Serverless.Shared.Media.InputEnd.Unprompted,
                    StartedAt = _clock.GetUtcNow().AddSeconds(10), EndedAt = _clock.GetUtcNow().AddSeconds(10),
                },
            ],
            MediaEndedAt = _clock.GetUtcNow().AddSeconds(66),
            MediaReportDue = _clock.GetUtcNow().AddSeconds(70),
            NodeId = "node-7",
            BizOpaqueData = "order-42",
            Metadata = new Dictionary<string, string> { ["campaign"] = "spring", ["agent"] = "a1" },
            IdempotencyKey = "idem-1",
            Deadline = null,
        };

        var created = await _store.CreateAsync(call);
        var read = await _store.GetAsync(call.CallId);

        Assert.True(created.Created);
        Assert.NotNull(read);
        // Collections compare by reference in records: they are compared by content below.
        Assert.Equal(call with { Version = 1, Metadata = CallRecord.NoMetadata, Inputs = CallRecord.NoInputs }, read with { Metadata = CallRecord.NoMetadata, Inputs = CallRecord.NoInputs });
        Assert.Equal(call.Metadata, read.Metadata);
        Assert.Equal(call.Inputs, read.Inputs);
    }

    [Fact]
    public async Task Tables_lost_with_the_storage_are_created_again_within_the_recheck_and_calls_can_be_stored()
    {
        var call = NewOutbound();
        Assert.Null(await _store.GetAsync(call.CallId));

        // Storage comes back empty while the store believes its tables exist.
        await AzuriteTables.DeleteTablesAsync(_prefix);
        _clock.Advance(Serverless.Functions.Storage.TableInit.Recheck + TimeSpan.FromSeconds(1));

        Assert.Equal(CreateCallStatus.Created, (await _store.CreateAsync(call)).Status);
        Assert.Equal(call.CallId, (await _store.GetAsync(call.CallId))?.CallId);
    }

    [Fact]
    public async Task Timeout_end_reason_round_trips_with_its_state()
    {
        var call = NewOutbound() with
        {
            State = CallState.Failed,
            Outcome = CallOutcome.NoAnswer,
            EndReason = new CallEndReason.Timeout(CallState.Ringing),
        };
        await _store.CreateAsync(call);

        Assert.Equal(new CallEndReason.Timeout(CallState.Ringing), (await _store.GetAsync(call.CallId))!.EndReason);
    }

    [Fact]
    public async Task Create_with_an_existing_call_id_is_a_typed_duplicate()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);

        var again = await _store.CreateAsync(call with { UserWaId = "4915112345678" });

        Assert.Equal(new CreateCallResult(CreateCallStatus.DuplicateCallId, call.CallId), again);
        Assert.Equal(call.UserWaId, (await _store.GetAsync(call.CallId))!.UserWaId);
    }

    [Fact]
    public async Task Get_of_unknown_call_is_null()
    {
        Assert.Null(await _store.GetAsync(CallIds.New(_clock)));
    }

    [Fact]
    public async Task Inbound_create_claims_the_wacid_and_a_redelivery_finds_the_first_call()
    {
        var first = NewInbound("wacid.IN-1");
        var second = NewInbound("wacid.IN-1");

        var a = await _store.CreateAsync(first);
        var b = await _store.CreateAsync(second);

        Assert.True(a.Created);
        Assert.Equal(new CreateCallResult(CreateCallStatus.DuplicateWacid, first.CallId), b);
        Assert.Null(await _store.GetAsync(second.CallId));
        Assert.Equal(first.CallId, (await _store.FindByWacidAsync("wacid.IN-1"))!.CallId);
    }

    [Fact]
    public async Task Create_takes_over_a_wacid_claimed_by_a_create_that_died_before_writing_its_call()
    {
        var crash = new BeforeFirstBatchPolicy(() => throw new IOException("simulated crash before the call is written"));
        var dying = await AzuriteTables.StoreAsync(_prefix, _clock, crash);
        var lost = NewInbound("wacid.CRASH");
        var retry = NewInbound("wacid.CRASH");

        await Assert.ThrowsAsync<IOException>(() => dying.CreateAsync(lost));
        var result = await _store.CreateAsync(retry);

        Assert.Equal(new CreateCallResult(CreateCallStatus.Created, retry.CallId), result);
        Assert.Equal(retry.CallId, (await _store.FindByWacidAsync("wacid.CRASH"))!.CallId);
    }

    [Fact]
    public async Task ConnectSent_indexes_the_wacid_for_webhook_routing()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);
        Assert.Null(await _store.FindByWacidAsync("wacid.OUT-1"));

        var result = await _store.ApplyAsync(call.CallId, new ConnectSent("wacid.OUT-1"), "connect-1");

        Assert.Equal(ApplyStatus.Applied, result.Status);
        var found = await _store.FindByWacidAsync("wacid.OUT-1");
        Assert.Equal(call.CallId, found!.CallId);
        Assert.Equal(CallState.Ringing, found.State);
    }

    [Fact]
    public async Task Refused_ConnectSent_does_not_index_its_wacid()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);
        await Apply(call, new ConnectSent("wacid.FIRST"), "connect-1");

        var second = await _store.ApplyAsync(call.CallId, new ConnectSent("wacid.SECOND"), "connect-2");

        Assert.Equal(ApplyStatus.Refused, second.Status);
        Assert.Null(await _store.FindByWacidAsync("wacid.SECOND"));
        Assert.Equal(call.CallId, (await _store.FindByWacidAsync("wacid.FIRST"))!.CallId);
    }

    [Fact]
    public async Task Apply_records_each_event_in_order_with_its_result()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);

        await Apply(call, new OfferReady("node-1"), "offer");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Apply(call, new ConnectSent("wacid.H"), "connect");
        await Apply(call, new StatusAccepted(), "wacid.H:ACCEPTED");
        var refused = await Apply(call, new AnswerReady("node-1"), "answer-ready");

        var history = await _store.GetHistoryAsync(call.CallId);
        Assert.Equal(ApplyStatus.Refused, refused.Status);
        Assert.Equal(["Created", "OfferReady", "ConnectSent", "StatusAccepted", "AnswerReady"], history.Select(e => e.Trigger));
        Assert.Equal([1L, 2, 3, 4, 5], history.Select(e => e.Sequence));
        Assert.Equal(
            [TransitionKind.Applied, TransitionKind.Applied, TransitionKind.Applied, TransitionKind.NoChange, TransitionKind.Refused],
            history.Select(e => e.Result));
        Assert.Equal(CallState.Ringing, history[^1].StateAfter);
        Assert.Equal("connect", history[2].DedupKey);
        Assert.Equal(_clock.GetUtcNow(), history[2].At);
        var stored = await _store.GetAsync(call.CallId);
        Assert.Equal(CallState.Ringing, stored!.State);
        Assert.Equal(5, stored.Version);
    }

    [Fact]
    public async Task Refused_trigger_leaves_the_stored_call_unchanged_but_for_its_version()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);
        var before = await _store.GetAsync(call.CallId);

        var result = await _store.ApplyAsync(call.CallId, new MediaConnected(), "media-early");

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.Equal(before! with { Version = 2 }, await _store.GetAsync(call.CallId));
    }

    [Fact]
    public async Task Refused_trigger_is_logged_as_a_warning_without_the_phone_number()
    {
        var logger = new ListLogger<TableCallStore>();
        var store = await AzuriteTables.StoreAsync(_prefix, _clock, logger: logger);
        var call = NewOutbound();
        await store.CreateAsync(call);

        await store.ApplyAsync(call.CallId, new AnswerReceived(), "early-answer");

        var warning = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(call.CallId, warning.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AnswerReceived), warning.Message, StringComparison.Ordinal);
        Assert.All(logger.Entries, e => Assert.DoesNotContain(call.UserWaId, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Same_dedup_key_twice_records_one_applied_event_and_changes_nothing_the_second_time()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);
        await Apply(call, new ConnectSent("wacid.D"), "connect");

        var first = await _store.ApplyAsync(call.CallId, new HangupRequested(), "delete-1");
        var afterFirst = await _store.GetAsync(call.CallId);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var second = await _store.ApplyAsync(call.CallId, new HangupRequested(), "delete-1");

        Assert.Equal(ApplyStatus.Applied, first.Status);
        Assert.True(first.BecameFinal);
        Assert.Equal(ApplyStatus.DuplicateDelivery, second.Status);
        Assert.False(second.BecameFinal);
        Assert.Equal(TransitionKind.Applied, second.Event!.Result);
        Assert.Equal(afterFirst, await _store.GetAsync(call.CallId));
        var rows = (await _store.GetHistoryAsync(call.CallId)).Where(e => e.DedupKey == "delete-1").ToList();
        var row = Assert.Single(rows);
        Assert.Equal(TransitionKind.Applied, row.Result);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_dedup_key_apply_once()
    {
        var call = NewOutbound();
        await _store.CreateAsync(call);
        await Apply(call, new ConnectSent("wacid.R"), "connect");

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => _store.ApplyAsync(call.CallId, new StatusRejected(), "wacid.R:REJECTED"))));

        Assert.Single(results, r => r.Status == ApplyStatus.Applied);
        Assert.All(results.Where(r => r.Status != ApplyStatus.Applied), r => Assert.Equal(ApplyStatus.DuplicateDelivery, r.Status));
        Assert.Single(await _store.GetHistoryAsync(call.CallId), e => e.DedupKey == "wacid.R:REJECTED");
        Assert.Equal(3, (await _store.GetAsync(call.CallId))!.Version);
    }

    [Fact]
    public async Task Apply_to_unknown_call_is_not_found_and_records_nothing()
    {
        var callId = CallIds.New(_clock);

        var result = await _store.ApplyAsync(callId, new HangupRequested(), "x");

        Assert.Equal(ApplyStatus.CallNotFound, result.Status);
        Assert.Null(result.Call);
        Assert.Empty(await _store.GetHistoryAsync(callId));
    }

    private async Task<ApplyResult> Apply(CallRecord call, CallTrigger trigger, string dedupKey)
    {
        var result = await _store.ApplyAsync(call.CallId, trigger, dedupKey);
        Assert.NotEqual(ApplyStatus.CallNotFound, result.Status);
        return result;
    }

    private CallRecord NewOutbound() =>
        CallRecord.NewOutbound(CallIds.New(_clock), "PNID1", "16315553602", _clock.GetUtcNow(), CallTimeouts.Default);

    private CallRecord NewInbound(string wacid) =>
        CallRecord.NewInbound(CallIds.New(_clock), "PNID1", "16315553602", wacid, _clock.GetUtcNow(), CallTimeouts.Default);
}
