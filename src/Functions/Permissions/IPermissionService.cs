using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Permissions;

/// <summary>
/// Call permissions per (business number, user): Meta's <c>call_permissions</c> cached in Table Storage, our
/// request guard, reply webhooks and the unanswered-calls streak (meta-calling-api.md §3).
/// A null <c>phoneNumberId</c> means <c>Meta:DefaultPhoneNumberId</c>.
/// </summary>
public interface IPermissionService
{
    /// <summary>Whether a business-initiated call may be placed now (refreshing from Graph when the cache is stale).</summary>
    Task<CallPermissionDecision> CheckCanCallAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>The cached state (refreshed when stale), for <c>GET /api/permissions/{waId}</c>.</summary>
    Task<PermissionView> GetAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a <c>call_permission_request</c> unless a quota or a permanent permission stops it.</summary>
    Task<PermissionRequestOutcome> RequestPermissionAsync(string waId, string? bodyText = null, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>Applies a <c>call_permission_reply</c> webhook; replies older than the last applied one are ignored.</summary>
    Task<bool> ApplyReplyAsync(CallPermissionReply reply, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opts the user out now (an opt-out keyword reply): every later <see cref="CheckCanCallAsync"/> says
    /// <see cref="CallPermissionDecision.OptedOut"/> until the user grants permission again. True when newly opted out.
    /// </summary>
    Task<bool> OptOutAsync(string waId, string source, DateTimeOffset at, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>The user's standing opt-out from this number, from the stored row only (no Graph lookup); null when none.</summary>
    Task<CallPermissionDecision.OptedOut?> GetOptOutAsync(string waId, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>Records what a call meant for the counters (see <see cref="BusinessCallOutcome"/>).</summary>
    Task RecordCallOutcomeAsync(string waId, BusinessCallOutcome outcome, string? phoneNumberId = null, CancellationToken cancellationToken = default);
}
