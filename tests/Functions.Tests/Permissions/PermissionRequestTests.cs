using System.Net;
using System.Text.Json;
using Serverless.Functions.Permissions;
using Serverless.Shared.WhatsApp.Graph;
using static Serverless.Functions.Tests.Permissions.PermissionHarness;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>Our request guard (Meta: 1 per 24 h, 2 per 7 days), and Meta's 138009/138017 as typed outcomes.</summary>
public sealed class PermissionRequestTests : IAsyncLifetime
{
    private PermissionHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task First_request_is_sent_with_the_body_text_and_says_when_the_next_is_allowed()
    {
        var outcome = await _h.Permissions.RequestPermissionAsync(WaId, "May we call you about your order?");

        var sent = Assert.IsType<PermissionRequestOutcome.Sent>(outcome);
        Assert.Equal("wamid.REQ1", sent.MessageId);
        Assert.Equal(T0.AddHours(24), sent.NextRequestAllowedAt);
        using var body = JsonDocument.Parse(Assert.Single(_h.Messages).Body);
        var interactive = body.RootElement.GetProperty("interactive");
        Assert.Equal("call_permission_request", interactive.GetProperty("type").GetString());
        Assert.Equal("May we call you about your order?", interactive.GetProperty("body").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Guard_allows_one_per_24_hours_and_two_per_7_days()
    {
        Assert.IsType<PermissionRequestOutcome.Sent>(await _h.Permissions.RequestPermissionAsync(WaId));

        _h.Clock.Advance(TimeSpan.FromHours(23));
        var daily = Assert.IsType<PermissionRequestOutcome.Throttled>(await _h.Permissions.RequestPermissionAsync(WaId));
        Assert.Equal(RequestRefusal.DailyQuota, daily.Reason);
        Assert.Equal(T0.AddHours(24), daily.NextRequestAllowedAt);

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var second = Assert.IsType<PermissionRequestOutcome.Sent>(await _h.Permissions.RequestPermissionAsync(WaId));
        Assert.Equal(T0.AddDays(7), second.NextRequestAllowedAt);

        _h.Clock.Advance(TimeSpan.FromDays(2));
        var weekly = Assert.IsType<PermissionRequestOutcome.Throttled>(await _h.Permissions.RequestPermissionAsync(WaId));
        Assert.Equal(RequestRefusal.WeeklyQuota, weekly.Reason);
        Assert.Equal(T0.AddDays(7), weekly.NextRequestAllowedAt);
        Assert.Equal(2, _h.Messages.Count);

        _h.Clock.Advance(T0.AddDays(7) - _h.Clock.GetUtcNow());
        Assert.IsType<PermissionRequestOutcome.Sent>(await _h.Permissions.RequestPermissionAsync(WaId));
    }

    [Fact]
    public async Task Guard_state_shows_in_the_decision_advice()
    {
        await _h.Permissions.RequestPermissionAsync(WaId);

        var no = Assert.IsType<CallPermissionDecision.NoPermission>(await _h.Permissions.CheckCanCallAsync(WaId));

        Assert.Equal(T0.AddHours(24), no.HowToAsk.NextRequestAllowedAt);
    }

    [Fact]
    public async Task A_connected_call_resets_the_request_quota()
    {
        await _h.Permissions.RequestPermissionAsync(WaId);
        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Connected);

        Assert.IsType<PermissionRequestOutcome.Sent>(await _h.Permissions.RequestPermissionAsync(WaId));
    }

    [Fact]
    public async Task Meta_138009_is_a_MetaLimit_throttle()
    {
        _h.MessagesAnswer = (HttpStatusCode.BadRequest, Settings.GraphStub.MetaError(138009, "Call Permission Request Limit Hit"));

        var throttled = Assert.IsType<PermissionRequestOutcome.Throttled>(await _h.Permissions.RequestPermissionAsync(WaId));

        Assert.Equal(RequestRefusal.MetaLimit, throttled.Reason);
        Assert.Contains("138009", throttled.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meta_138017_means_permanent_permission_and_frees_the_slot()
    {
        _h.MessagesAnswer = (HttpStatusCode.BadRequest, Settings.GraphStub.MetaError(138017, "Permanent permission exists"));

        Assert.IsType<PermissionRequestOutcome.AlreadyPermanent>(await _h.Permissions.RequestPermissionAsync(WaId));

        Assert.Equal(Shared.WhatsApp.Graph.Models.CallPermissionStatus.Permanent, (await _h.Permissions.GetAsync(WaId)).Status);
        Assert.Null((await _h.Permissions.GetAsync(WaId)).NextRequestAllowedAt);
    }

    [Fact]
    public async Task Known_permanent_permission_sends_nothing()
    {
        _h.PermissionsJson = Json("permanent");

        Assert.IsType<PermissionRequestOutcome.AlreadyPermanent>(await _h.Permissions.RequestPermissionAsync(WaId));
        Assert.Empty(_h.Messages);
    }

    [Fact]
    public async Task Metas_live_request_limit_is_respected_before_sending()
    {
        var reset = T0.AddHours(20);
        _h.PermissionsJson = Json("no_permission", canRequest: false, requestReset: reset);

        var throttled = Assert.IsType<PermissionRequestOutcome.Throttled>(await _h.Permissions.RequestPermissionAsync(WaId));

        Assert.Equal(RequestRefusal.MetaLimit, throttled.Reason);
        Assert.Equal(reset, throttled.NextRequestAllowedAt);
        Assert.Empty(_h.Messages);
    }

    [Fact]
    public async Task Other_Meta_refusals_surface_and_do_not_use_up_the_quota()
    {
        _h.MessagesAnswer = (HttpStatusCode.BadRequest, Settings.GraphStub.MetaError(131009, "Interactive not supported"));
        var error = await Assert.ThrowsAsync<WhatsAppApiException>(() => _h.Permissions.RequestPermissionAsync(WaId));
        Assert.Equal(WhatsAppErrorKind.InteractiveNotSupported, error.Kind);

        _h.MessagesAnswer = (HttpStatusCode.OK, """{"messages":[{"id":"wamid.REQ2"}]}""");
        Assert.IsType<PermissionRequestOutcome.Sent>(await _h.Permissions.RequestPermissionAsync(WaId));
    }
}

/// <summary>The guard's slot is reserved before sending, so concurrent requests cannot both pass it.</summary>
public sealed class PermissionRequestConcurrencyTests : IAsyncLifetime
{
    private PermissionHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Four_concurrent_requests_send_exactly_one_message()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _h.Permissions.RequestPermissionAsync(WaId))));

        Assert.Single(outcomes, o => o is PermissionRequestOutcome.Sent);
        Assert.Equal(3, outcomes.Count(o => o is PermissionRequestOutcome.Throttled { Reason: RequestRefusal.DailyQuota }));
        Assert.Single(_h.Messages);
    }
}
