using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Api;

/// <summary>
/// Mid-call control: <c>POST /api/calls/{id}/play</c> plays a prompt or tone into a connected call (over its audio
/// plan, which resumes afterwards), optionally collecting digits after it. The node reports the play's end, which the
/// call's history records and the <c>call.playbackFinished</c> callback announces; the call goes on.
/// </summary>
public sealed partial class PlayApi(CallFlow flow, PromptSourcePolicy prompts, IOptions<CallFlowOptions> options, ILogger<PlayApi> logger)
{
    [Function("PlayIntoCall")]
    public Task<IActionResult> PlayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "calls/{id}/play")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => PlayCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> PlayCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CallIds.IsValid(id))
        {
            return Problems.CallNotFound(null);
        }

        var body = await BodyReader.ReadAsync(request, options.Value.MaxApiBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(options.Value.MaxApiBodyBytes);
        }

        if (!PlayBody.TryParse(body, out var play, out var what, out var problem, out var invalidJson))
        {
            return invalidJson ? Problems.InvalidJson(problem!) : Problems.Validation(problem!);
        }

        // The dial API's rule for plan prompts holds here too: only the prompts container (or an allowlisted URL),
        // never another call's recording. The node checks again.
        if (play.Kind == PlayKind.Prompt && play.Uri is { } uri
            && !prompts.TryAllow(uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString, out _, out var refused))
        {
            return Problems.InvalidAudioPlan("prompt", refused, "The prompt cannot be played.");
        }

        ApplyResult result;
        string playId;
        try
        {
            (result, playId) = await flow.PlayAsync(id, play, what, cancellationToken);
        }
        catch (Exception ex) when (ex is CommandRoutingException or CommandTooLargeException or InvalidOperationException or IOException)
        {
            // Counted but not sent: the call goes on without it (its Hangup then waits for this sequence number up to
            // Transport:MaxHoldTime on the node, see Functions/README.md).
            LogPlayNotSent(ex, id);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.MediaUnavailable,
                "The call's media node could not be asked to play.", null, "/api/calls/" + id);
        }

        return result.Status switch
        {
            ApplyStatus.CallNotFound => Problems.CallNotFound(id),
            ApplyStatus.Applied => new AcceptedResult("/api/calls/" + id, new PlayResource(playId, id, what)),
            _ => Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.CallNotConnected, "The call is not connected.",
                $"Audio can only be played into a connected call; this one is {(result.Call is { } c ? WireText.Of(c.State) : "unknown")}.", "/api/calls/" + id),
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId}: the Play command could not be sent")]
    private partial void LogPlayNotSent(Exception ex, string callId);
}

/// <summary>The play API's answer: <see cref="PlayId"/> comes back in the <c>call.playbackFinished</c> callback.</summary>
[Description("A play accepted for a call.")]
public sealed record PlayResource(
    [property: Description("Id of this play; the call.playbackFinished callback carries it.")] string PlayId,
    [property: Description("The call.")] string CallId,
    [property: Description("What plays, as the call's history shows it.")] string What);
