using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Permissions;
using Serverless.Functions.Tests.Settings;
using Serverless.Shared.WhatsApp.Graph.Models;
using static Serverless.Functions.Tests.Permissions.PermissionHarness;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>Each permission state and limit path of CheckCanCallAsync (meta-calling-api.md §3).</summary>
public sealed class PermissionDecisionTests : IAsyncLifetime
{
    private PermissionHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task No_permission_says_how_to_ask()
    {
        _h.PermissionsJson = Json("no_permission");

        var decision = await _h.Permissions.CheckCanCallAsync(WaId);

        var no = Assert.IsType<CallPermissionDecision.NoPermission>(decision);
        Assert.Equal($"/api/permissions/{WaId}/request", no.HowToAsk.RequestPath);
        Assert.Null(no.HowToAsk.NextRequestAllowedAt);
        var lookup = Assert.Single(_h.Lookups);
        Assert.Contains("user_wa_id=" + WaId, lookup.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Temporary_permission_allows_until_its_expiry()
    {
        var expiry = T0.AddDays(6);
        _h.PermissionsJson = Json("temporary", expiry);

        var decision = await _h.Permissions.CheckCanCallAsync(WaId);

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Temporary, expiry), decision);
    }

    [Fact]
    public async Task Permanent_permission_allows_without_expiry()
    {
        _h.PermissionsJson = Json("permanent");

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Permanent, null), await _h.Permissions.CheckCanCallAsync(WaId));
    }

    [Fact]
    public async Task Temporary_permission_expiring_during_a_schedule_becomes_Expired()
    {
        var expiry = T0.AddSeconds(30);
        _h.PermissionsJson = Json("temporary", expiry);
        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);

        // Still inside the cache TTL: the cached expiry alone turns the answer.
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        var expired = Assert.IsType<CallPermissionDecision.Expired>(await _h.Permissions.CheckCanCallAsync(WaId));

        Assert.Equal(expiry, expired.ExpiredAt);
        Assert.Single(_h.Lookups);
        Assert.Equal($"/api/permissions/{WaId}/request", expired.HowToAsk.RequestPath);
    }

    [Fact]
    public async Task Exhausted_start_call_limit_is_LimitReached_with_Metas_live_limit_and_reset_time()
    {
        var reset = T0.AddHours(5);
        _h.PermissionsJson = Json("permanent", canStartCall: false, callsUsed: 100, callsMax: 100, callsReset: reset);

        var limit = Assert.IsType<CallPermissionDecision.LimitReached>(await _h.Permissions.CheckCanCallAsync(WaId));

        Assert.Equal(reset, limit.ResetsAt);
        Assert.Equal("PT24H", limit.Limit!.TimePeriod);
        Assert.Equal(100, limit.Limit.MaxAllowed);
        Assert.Equal(100, limit.Limit.CurrentUsage);
    }

    [Fact]
    public async Task Limit_is_read_live_not_hard_coded()
    {
        // Meta once allowed 5 calls a day; today's answer says 7 of 10 are used, so calling is fine.
        _h.PermissionsJson = Json("temporary", T0.AddDays(1), callsUsed: 7, callsMax: 10);

        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
    }

    [Fact]
    public async Task Cache_serves_within_its_ttl_and_refreshes_after()
    {
        _h.PermissionsJson = Json("permanent");
        await _h.Permissions.CheckCanCallAsync(WaId);
        _h.Clock.Advance(TimeSpan.FromSeconds(59));
        await _h.Permissions.CheckCanCallAsync(WaId);
        Assert.Single(_h.Lookups);

        _h.PermissionsJson = Json("no_permission");
        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.IsType<CallPermissionDecision.NoPermission>(await _h.Permissions.CheckCanCallAsync(WaId));
        Assert.Equal(2, _h.Lookups.Count);
    }

    [Fact]
    public async Task A_limit_past_its_reset_time_is_refreshed_even_inside_the_ttl()
    {
        _h.PermissionsJson = Json("permanent", canStartCall: false, callsUsed: 100, callsReset: T0.AddSeconds(10));
        Assert.IsType<CallPermissionDecision.LimitReached>(await _h.Permissions.CheckCanCallAsync(WaId));

        _h.PermissionsJson = Json("permanent", callsUsed: 99);
        _h.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
        Assert.Equal(2, _h.Lookups.Count);
    }

    [Fact]
    public async Task Rate_limit_613_backs_off_then_succeeds()
    {
        _h.PermissionsJson = Json("permanent");
        _h.LookupScript.Enqueue((HttpStatusCode.TooManyRequests, GraphStub.MetaError(613, "Fetch Call Permission API Limit Hit")));

        var decision = await _h.DriveAsync(_h.Permissions.CheckCanCallAsync(WaId), TimeSpan.FromMilliseconds(100));

        Assert.True(decision.CanCall);
        Assert.Equal(2, _h.LookupTimes.Count);
        Assert.True(_h.LookupTimes[1] - _h.LookupTimes[0] >= TimeSpan.FromSeconds(1), $"retried after {_h.LookupTimes[1] - _h.LookupTimes[0]}");
    }

    [Fact]
    public async Task Persistent_613_serves_the_stale_cache_when_there_is_one()
    {
        _h.PermissionsJson = Json("permanent");
        await _h.Permissions.CheckCanCallAsync(WaId);
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        _h.PermissionsJson = GraphStub.MetaError(613);
        for (var i = 0; i < 4; i++)
        {
            _h.LookupScript.Enqueue((HttpStatusCode.TooManyRequests, GraphStub.MetaError(613)));
        }

        var decision = await _h.DriveAsync(_h.Permissions.CheckCanCallAsync(WaId), TimeSpan.FromMilliseconds(250));

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Permanent, null), decision);
        Assert.Equal(1 + GraphAttempts, _h.Lookups.Count); // the cached lookup, then one per Graph client attempt
    }

    [Fact]
    public async Task Persistent_613_without_a_cache_is_a_typed_error()
    {
        for (var i = 0; i < 4; i++)
        {
            _h.LookupScript.Enqueue((HttpStatusCode.TooManyRequests, GraphStub.MetaError(613)));
        }

        var error = await Assert.ThrowsAsync<PermissionRateLimitedException>(
            () => _h.DriveAsync(_h.Permissions.CheckCanCallAsync(WaId), TimeSpan.FromMilliseconds(250)));

        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        // One retry layer: 4 requests for a lasting 613, where Graph retries × service retries used to make 16.
        Assert.Equal(GraphAttempts, _h.Lookups.Count);
        AssertAtMostFivePerSecond(_h.LookupTimes);
    }

    [Fact]
    public async Task Burst_of_lookups_with_613s_never_sends_more_than_5_in_any_second()
    {
        _h.PermissionsJson = Json("permanent");
        for (var i = 0; i < 3; i++)
        {
            _h.LookupScript.Enqueue((HttpStatusCode.TooManyRequests, GraphStub.MetaError(613, "Fetch Call Permission API Limit Hit")));
        }

        var users = Enumerable.Range(0, 12).Select(i => "1555000" + (2000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var decisions = await _h.DriveAsync(
            Task.WhenAll(users.Select(u => _h.Permissions.CheckCanCallAsync(u))), TimeSpan.FromMilliseconds(50), maxSteps: 2000);

        Assert.All(decisions, d => Assert.True(d.CanCall, d.ToString()));
        // Each 613 costs exactly one more request, and the retries wait for the limiter like first attempts do.
        Assert.Equal(users.Count + 3, _h.Lookups.Count);
        AssertAtMostFivePerSecond(_h.LookupTimes);
    }

    private int GraphAttempts =>
        1 + _h.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Serverless.Shared.WhatsApp.Graph.WhatsAppGraphOptions>>().Value.MaxRetryAttempts;

    private static void AssertAtMostFivePerSecond(List<DateTimeOffset> lookupTimes)
    {
        DateTimeOffset[] times;
        lock (lookupTimes)
        {
            times = [.. lookupTimes];
        }

        foreach (var start in times)
        {
            var inWindow = times.Count(t => t >= start && t < start + TimeSpan.FromSeconds(1));
            Assert.True(inWindow <= 5, $"{inWindow} lookups in the second from {start:O}");
        }
    }

    [Fact]
    public async Task Two_consecutive_unanswered_calls_stop_dialling_until_a_call_connects()
    {
        _h.PermissionsJson = Json("permanent");
        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Unanswered);
        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Failed);
        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);

        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Unanswered);
        Assert.Equal(new CallPermissionDecision.TooManyUnanswered(2, 2), await _h.Permissions.CheckCanCallAsync(WaId));

        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Connected);
        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
    }
}
