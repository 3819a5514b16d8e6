using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Http;
using Serverless.Shared.WhatsApp;

namespace Serverless.Functions.Privacy;

/// <summary>
/// <c>DELETE /api/users/{waId}</c>, Admin level (the master key, like writing calling settings): a host or function
/// key handed to integrations must not be able to wipe call records. See <see cref="UserErasure"/>.
/// </summary>
public sealed class UsersApi(UserErasure erasure)
{
    /// <summary>Recorded as the audit's actor: only the master key opens this endpoint.</summary>
    public const string AdminActor = "admin-key";

    [Function("EraseUser")]
    public async Task<IActionResult> EraseAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "users/{waId}")] HttpRequest request,
        string waId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ParseWaId(waId) is not { } user)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidPhoneNumber,
                "The user is not a valid phone number.", "Give the WhatsApp id: the number's digits with the country code, '+' optional.");
        }

        var (live, erased) = await erasure.EraseAsync(user, AdminActor, cancellationToken);
        if (erased is null)
        {
            var conflict = Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.UserHasLiveCall,
                "The user has a call in progress; nothing was erased.",
                "Hang the call up (DELETE /api/calls/{id}) and erase again once it has ended and its final report is in (at most a minute).");
            ((ProblemDetails)conflict.Value!).Extensions["callIds"] = live;
            return conflict;
        }

        return new OkObjectResult(erased);
    }

    // Any wa_id form Meta uses (an erasure must reach numbers a dial would refuse today), '+' optional.
    private static string? ParseWaId(string? waId) => WaId.TryParse(waId, out var user) ? user.Digits : null;
}
