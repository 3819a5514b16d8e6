using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Dials;
using Serverless.Functions.Permissions;
using Serverless.Shared.WhatsApp;
using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Functions.Privacy;

/// <summary>
/// "Respect opt-outs immediately": an opt-out keyword reply or a permission revoke marks the user opted out (new dials
/// answer 403 <c>user-opted-out</c> until the user grants permission again) and cancels every scheduled dial to the
/// user at once, with the reason <see cref="OptOutSource.DialReason"/> on <c>GET /api/dials/{id}</c>.
/// </summary>
public sealed partial class UserOptOut(
    IPermissionService permissions,
    DialStore dials,
    IOptions<OptOutOptions> options,
    TimeProvider time,
    ILogger<UserOptOut> logger)
{
    /// <summary>A text message: opts out when it is a configured keyword.</summary>
    public async Task OnTextAsync(string phoneNumberId, TextMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.From is not { } user || !IsWaId(user) || !options.Value.IsKeyword(message.Body))
        {
            return;
        }

        await permissions.OptOutAsync(user, OptOutSource.Keyword, message.Timestamp ?? time.GetUtcNow(), phoneNumberId, cancellationToken);
        await CancelDialsAsync(phoneNumberId, user, OptOutSource.Keyword, cancellationToken);
    }

    /// <summary>A permission reply, after it was applied: a revoke stops the user's scheduled dials.</summary>
    public async Task OnPermissionReplyAsync(string phoneNumberId, CallPermissionReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Response == PermissionResponse.Reject && reply.From is { } user && IsWaId(user))
        {
            await CancelDialsAsync(phoneNumberId, user, OptOutSource.PermissionRevoked, cancellationToken);
        }
    }

    /// <summary>
    /// Cancels every not-finished dial to the user from this number (ETag-guarded against the scheduler's claim; a call
    /// already placed keeps running, no further attempt is made). Idempotent, so a redelivered webhook finishes the job.
    /// </summary>
    private async Task CancelDialsAsync(string phoneNumberId, string waId, string source, CancellationToken cancellationToken)
    {
        var cancelled = 0;
        foreach (var open in await dials.ListOpenForUserAsync(phoneNumberId, waId, cancellationToken))
        {
            for (var (schedule, attempt) = (open, 0); schedule is { IsFinal: false } && attempt < 16; attempt++)
            {
                if (await dials.TryUpdateAsync(schedule with { State = DialScheduleState.Cancelled, Reason = OptOutSource.DialReason }, cancellationToken) is not null)
                {
                    cancelled++;
                    break;
                }

                schedule = await dials.GetAsync(schedule.DialId, cancellationToken);
            }
        }

        var masked = PhoneMask.Mask(waId);
        LogOptedOut(masked, phoneNumberId, source, cancelled);
    }

    private static bool IsWaId(string value) => value.Length is >= 6 and <= 15 && value.All(char.IsAsciiDigit);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {WaId} opted out of calls from {PhoneNumberId} ({Source}); {Cancelled} scheduled dials cancelled")]
    private partial void LogOptedOut(string waId, string phoneNumberId, string source, int cancelled);
}
