using Serverless.Functions.Permissions;
using Serverless.Shared.WhatsApp.Graph.Models;
using Serverless.Shared.WhatsApp.Webhooks;
using static Serverless.Functions.Tests.Permissions.PermissionHarness;

namespace Serverless.Functions.Tests.Permissions;

/// <summary>call_permission_reply webhooks update the cached permission (meta-calling-api.md §3).</summary>
public sealed class PermissionReplyTests : IAsyncLifetime
{
    private PermissionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        _h.PermissionsJson = Json("no_permission");
        await _h.Permissions.CheckCanCallAsync(WaId); // cache filled; replies apply on top within the TTL
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static CallPermissionReply Reply(
        PermissionResponse response, bool permanent = false, DateTimeOffset? expiration = null,
        PermissionResponseSource source = PermissionResponseSource.UserAction, DateTimeOffset? at = null) => new()
    {
        MessageId = "wamid.REPLY" + Guid.NewGuid().ToString("N"),
        From = WaId,
        PhoneNumberId = PhoneNumberId,
        Response = response,
        IsPermanent = permanent,
        Expiration = expiration,
        ResponseSource = source,
        Timestamp = at ?? T0,
    };

    [Fact]
    public async Task Accepted_temporary_reply_allows_until_its_expiration()
    {
        var expiry = T0.AddDays(7);

        Assert.True(await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, expiration: expiry)));

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Temporary, expiry), await _h.Permissions.CheckCanCallAsync(WaId));
    }

    [Fact]
    public async Task Accepted_permanent_reply_allows_without_expiry()
    {
        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, permanent: true));

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Permanent, null), await _h.Permissions.CheckCanCallAsync(WaId));
    }

    [Fact]
    public async Task Automatic_grant_without_expiration_lasts_seven_days_from_the_reply()
    {
        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, source: PermissionResponseSource.Automatic));

        Assert.Equal(new CallPermissionDecision.Allowed(CallPermissionStatus.Temporary, T0.AddDays(7)), await _h.Permissions.CheckCanCallAsync(WaId));
    }

    [Fact]
    public async Task Rejection_removes_permission_and_opts_the_user_out()
    {
        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, permanent: true));
        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Reject, at: T0.AddSeconds(5)));

        // A revoke is an opt-out: it outranks whatever Graph says until the user grants permission again.
        var decision = Assert.IsType<CallPermissionDecision.OptedOut>(await _h.Permissions.CheckCanCallAsync(WaId));
        Assert.Equal((T0.AddSeconds(5), OptOutSource.PermissionRevoked), (decision.At, decision.Source));
        Assert.Equal(CallPermissionStatus.NoPermission, (await _h.Permissions.GetAsync(WaId)).Status);

        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, permanent: true, at: T0.AddSeconds(9)));
        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
    }

    [Fact]
    public async Task An_older_reply_arriving_late_is_ignored()
    {
        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, permanent: true, at: T0.AddSeconds(10)));

        Assert.False(await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Reject, at: T0.AddSeconds(5))));
        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
    }

    [Fact]
    public async Task A_new_grant_clears_the_unanswered_streak()
    {
        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Unanswered);
        await _h.Permissions.RecordCallOutcomeAsync(WaId, BusinessCallOutcome.Unanswered);

        await _h.Permissions.ApplyReplyAsync(Reply(PermissionResponse.Accept, permanent: true));

        Assert.True((await _h.Permissions.CheckCanCallAsync(WaId)).CanCall);
    }
}
