using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Api;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Functions.Permissions;

namespace Serverless.Functions.Dials;

/// <summary>
/// Scheduled and retried dials: <c>POST /api/dials</c> (a dial body plus <c>notBefore</c> and <c>retry</c>),
/// <c>GET /api/dials/{id}</c> (with attempts), <c>DELETE /api/dials/{id}</c> (cancel: never dials again).
/// </summary>
public sealed class DialsApi(
    DialStore dials,
    ICallStore calls,
    DialRequestValidator validator,
    TimeProvider time,
    IOptions<CallFlowOptions> flowOptions,
    IOptions<DialOptions> options,
    IPermissionService permissions)
{

    [Function("ScheduleDial")]
    public Task<IActionResult> ScheduleAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "dials")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => ScheduleCoreAsync(request, cancellationToken));

    private async Task<IActionResult> ScheduleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await BodyReader.ReadAsync(request, flowOptions.Value.MaxApiBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(flowOptions.Value.MaxApiBodyBytes);
        }

        if (!DialRequest.TryParse(body, out var dial, out var problem, out var invalidJson))
        {
            return invalidJson ? Problems.InvalidJson(problem!) : Problems.Validation(problem!);
        }

        if (!TryReadScheduleText(body, out var notBefore, out var retry, out problem))
        {
            return Problems.Validation(problem!);
        }

        var (validated, refused) = await validator.ValidateAsync(dial, request, cancellationToken);
        if (validated is null)
        {
            return refused!;
        }

        var (waId, from, idempotencyKey) = (validated.To.Digits, validated.From, validated.IdempotencyKey);
        if (await permissions.GetOptOutAsync(waId, from, cancellationToken) is { } optedOut)
        {
            // Permission itself is checked when the dial is due; an opt-out refuses the schedule at once.
            return PermissionProblems.ForDecision(optedOut);
        }

        var dialId = DialStore.NewId(time);
        if (idempotencyKey.Length > 0)
        {
            var fingerprint = RequestFingerprint.Of(body);
            var reservation = await dials.ReserveKeyAsync(idempotencyKey, dialId, fingerprint, cancellationToken);
            if (reservation.RequestHash is { } held && held != fingerprint)
            {
                return RequestFingerprint.Mismatch(DialRequestValidator.IdempotencyKeyHeader);
            }

            if (!reservation.Reserved && await dials.GetAsync(reservation.DialId, cancellationToken) is { } existing)
            {
                return new AcceptedResult(Location(existing.DialId), await ResourceAsync(existing, cancellationToken));
            }

            dialId = reservation.DialId;
        }

        var now = time.GetUtcNow();
        var schedule = new DialSchedule
        {
            DialId = dialId,
            State = DialScheduleState.Scheduled,
            UserWaId = waId,
            BusinessPhoneNumberId = from,
            Body = System.Text.Encoding.UTF8.GetString(body),
            Retry = retry,
            CreatedAt = now,
            NextAttemptAt = notBefore is { } nb && nb > now ? nb : now,
            IdempotencyKey = idempotencyKey.Length > 0 ? idempotencyKey : null,
        };
        await dials.CreateAsync(schedule, cancellationToken);
        var stored = await dials.GetAsync(dialId, cancellationToken) ?? schedule;
        return new AcceptedResult(Location(dialId), await ResourceAsync(stored, cancellationToken));
    }

    [Function("GetDial")]
    public Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "dials/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => GetCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> GetCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!DialStore.IsValidId(id) || await dials.GetAsync(id, cancellationToken) is not { } schedule)
        {
            return NotFound(id);
        }

        return new OkObjectResult(await ResourceAsync(schedule, cancellationToken));
    }

    [Function("CancelDial")]
    public Task<IActionResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "dials/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => CancelCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> CancelCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!DialStore.IsValidId(id))
        {
            return NotFound(id);
        }

        // Conditional on the ETag: either this cancel or the scheduler's claim wins, never both unnoticed.
        for (var attempt = 0; attempt < 16; attempt++)
        {
            if (await dials.GetAsync(id, cancellationToken) is not { } schedule)
            {
                return NotFound(id);
            }

            if (schedule.State == DialScheduleState.Cancelled)
            {
                return new OkObjectResult(await ResourceAsync(schedule, cancellationToken));
            }

            if (schedule.IsFinal)
            {
                return Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.DialFinished, "The dial has finished and cannot be cancelled.",
                    $"It ended {schedule.State}.", Location(id));
            }

            // A call already placed keeps running (hang it up with DELETE /api/calls/{id}); no further attempt is made.
            if (await dials.TryUpdateAsync(schedule with { State = DialScheduleState.Cancelled, Reason = "cancelled" }, cancellationToken) is { } cancelled)
            {
                return new OkObjectResult(await ResourceAsync(cancelled, cancellationToken));
            }
        }

        return Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.DialFinished, "The dial kept changing; try again.", null, Location(id));
    }

    private bool TryReadScheduleText(byte[] body, out DateTimeOffset? notBefore, out DialRetryPolicy retry, out string? problem)
    {
        try
        {
            return TryReadSchedule(body, out notBefore, out retry, out problem);
        }
        catch (InvalidOperationException)
        {
            // A "\ud800"-style lone surrogate escape: well-formed JSON whose string cannot be read (the client's 400).
            (notBefore, retry, problem) = (null, DialRetryPolicy.Once, "notBefore and retry must be valid Unicode text.");
            return false;
        }
    }

    private bool TryReadSchedule(byte[] body, out DateTimeOffset? notBefore, out DialRetryPolicy retry, out string? problem)
    {
        notBefore = null;
        retry = DialRetryPolicy.Once;
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.TryGetProperty("notBefore", out var nb) && nb.ValueKind != JsonValueKind.Null)
        {
            if (nb.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(nb.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                problem = "notBefore must be an ISO 8601 time.";
                return false;
            }

            notBefore = parsed;
        }

        if (!DialRetryPolicy.TryParse(root, options.Value.MaxAttempts, out var policy, out problem))
        {
            return false;
        }

        retry = policy;
        return true;
    }

    private async Task<DialResource> ResourceAsync(DialSchedule s, CancellationToken cancellationToken)
    {
        var attempts = new List<DialAttemptResource>(s.AttemptCallIds.Count);
        foreach (var callId in s.AttemptCallIds)
        {
            var call = await calls.GetAsync(callId, cancellationToken);
            attempts.Add(new DialAttemptResource(callId, call is null ? null : WireText.Of(call.State), call?.Outcome is { } outcome ? WireText.Of(outcome) : null, "/api/calls/" + callId));
        }

        return new DialResource
        {
            Id = s.DialId,
            State = WireText.Of(s.State),
            To = "+" + s.UserWaId,
            From = s.BusinessPhoneNumberId,
            CreatedAt = s.CreatedAt,
            NextAttemptAt = s.State == DialScheduleState.Scheduled ? s.NextAttemptAt : null,
            MaxAttempts = s.Retry.MaxAttempts,
            SpacingSeconds = s.Retry.Spacing.TotalSeconds,
            RetryOn = [.. Enum.GetValues<RetryOn>().Where(f => f != Dials.RetryOn.None && s.Retry.On.HasFlag(f)).Select(f => WireText.Of(f))],
            Reason = ReasonText(s.Reason),
            Attempts = attempts,
        };
    }

    /// <summary>A call outcome is stored in its C# form (<c>NoAnswer</c>) and shown as every other value (<c>noAnswer</c>); other reasons are codes already.</summary>
    private static string? ReasonText(string? reason) =>
        reason is not null && Enum.GetNames<CallOutcome>().Contains(reason, StringComparer.Ordinal) ? WireText.Name(reason) : reason;

    private static ObjectResult NotFound(string id) =>
        Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.DialNotFound, "No such dial.", null, DialStore.IsValidId(id) ? Location(id) : null);

    private static string Location(string dialId) => "/api/dials/" + dialId;
}
