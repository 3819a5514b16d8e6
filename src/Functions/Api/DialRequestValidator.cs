using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Graph;
using Serverless.Functions.Http;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.WhatsApp;

namespace Serverless.Functions.Api;

/// <summary>A dial request whose number, business number, idempotency key and callback URL passed the checks.</summary>
public sealed record ValidatedDial(DialRequest Request, WaId To, string From, string IdempotencyKey);

/// <summary>
/// The checks every dial passes before anything is stored, whether placed now (<c>POST /api/calls</c>) or scheduled
/// (<c>POST /api/dials</c>): E.164 number, a business number this deployment serves, the audio plan (shape, limits,
/// prompt sources, stream URLs), the Idempotency-Key header, and the SSRF guard on <c>callbackUrl</c> (its form and every address its host resolves to).
/// </summary>
public sealed class DialRequestValidator(IOptions<MetaOptions> meta, CallbackUrlPolicy callbackUrls, PromptSourcePolicy prompts, StreamUrlPolicy streams)
{
    /// <summary>The dial request's member that holds the audio plan; problem paths start with it.</summary>
    public const string AudioMember = "audio";

    /// <summary>The header that makes a dial idempotent.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const int MaxIdempotencyKeyLength = 200;

    /// <summary>The validated dial, or the problem to answer with.</summary>
    public async Task<(ValidatedDial? Dial, IActionResult? Problem)> ValidateAsync(DialRequest dial, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dial);
        ArgumentNullException.ThrowIfNull(request);
        if (!WaId.TryParseE164(dial.To, out var waId))
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidPhoneNumber,
                "'to' is not a valid E.164 phone number.", "Use '+' followed by the country code and number, e.g. +14155550123."));
        }

        var from = dial.From ?? meta.Value.DefaultPhoneNumberId;
        if (!meta.Value.Serves(from))
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.UnknownPhoneNumberId,
                "'from' is not a business phone number id this deployment serves."));
        }

        // The same parser and prompt rule as the MediaNode's: a plan the node would refuse is a 400 now, before
        // anything is stored or queued, with the path of the member at fault.
        if (!AudioPlan.TryParse(dial.Audio, prompts, streams, out _, out var planError))
        {
            return (null, Problems.InvalidAudioPlan(planError.PathUnder(AudioMember), planError.Message));
        }

        var idempotencyKey = request.Headers[IdempotencyKeyHeader].ToString();
        if (idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            return (null, Problems.Validation($"{IdempotencyKeyHeader} is longer than {MaxIdempotencyKeyLength} characters."));
        }

        if (dial.CallbackUrl is not null
            && await callbackUrls.ValidateAsync(dial.CallbackUrl.AbsoluteUri, cancellationToken) is { IsAllowed: false } refusal)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.CallbackUrlRefused,
                "'callbackUrl' is not allowed.", refusal.Detail));
        }

        return (new ValidatedDial(dial, waId, from, idempotencyKey), null);
    }
}
