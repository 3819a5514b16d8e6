using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Functions.Nodes;
using Serverless.Functions.Permissions;
using Serverless.Functions.Recordings;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Api;

/// <summary>The dial API: place, read, list and hang up calls (auth level Function).</summary>
public sealed partial class CallsApi(
    ICallStore store,
    CallFlow flow,
    TimeProvider time,
    IOptions<CallFlowOptions> options,
    ILogger<CallsApi> logger,
    IPermissionService permissions,
    DialRequestValidator dials,
    StatusCallbacks callbacks,
    RecordingLinks recordings,
    NodeRegistry nodes,
    IOptions<NodeWatchOptions> nodeOptions,
    NewCallRate rate)
{
    public const string IdempotencyKeyHeader = DialRequestValidator.IdempotencyKeyHeader;
    private const int DefaultPageSize = 50;

    [Function("PlaceCall")]
    public Task<IActionResult> PlaceCallAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "calls")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => PlaceCallCoreAsync(request, cancellationToken));

    private async Task<IActionResult> PlaceCallCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AsyncWait.Requested(request, out var badWait) is not { } wait)
        {
            return badWait!;
        }

        var body = await BodyReader.ReadAsync(request, options.Value.MaxApiBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.TooLarge(options.Value.MaxApiBodyBytes);
        }

        return await PlaceAsync(request, body, wait, cancellationToken);
    }

    /// <summary>
    /// Places the dial <paramref name="body"/> (the dial API's own path: validation, idempotency, capacity, permission,
    /// callbacks). The agent console dials through here with a plan it builds, so both refuse and accept alike.
    /// </summary>
    public async Task<IActionResult> PlaceAsync(HttpRequest request, byte[] body, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!DialRequest.TryParse(body, out var dial, out var problem, out var invalidJson))
        {
            return invalidJson ? Problems.InvalidJson(problem!) : Problems.Validation(problem!);
        }

        var (validated, refused) = await dials.ValidateAsync(dial, request, cancellationToken);
        if (validated is null)
        {
            return refused!;
        }

        var (waId, from, idempotencyKey) = (validated.To.Digits, validated.From, validated.IdempotencyKey);
        var callId = CallIds.New(time);
        if (idempotencyKey.Length > 0)
        {
            var fingerprint = RequestFingerprint.Of(body);
            var reservation = await store.TryReserveIdempotencyKeyAsync(idempotencyKey, callId, fingerprint, cancellationToken);
            if (!reservation.Matches(fingerprint))
            {
                return RequestFingerprint.Mismatch(IdempotencyKeyHeader);
            }

            if (!reservation.Reserved && await store.GetAsync(reservation.CallId, cancellationToken) is not null)
            {
                return await AcceptedAsync(request, reservation.CallId, wait, cancellationToken);
            }

            // Reserved now, or reserved by a request that failed (or is still running) before storing its call: this
            // request creates the call under the reserved id; the store lets only one of them create it.
            callId = reservation.CallId;
        }

        // Every live node full or draining: a start would only wait in the new-calls queue and fail at the placement
        // window. Nothing is stored (a retry with the same Idempotency-Key creates the call then), and no permission
        // lookup is spent on Meta's limit.
        if (await nodes.FindRoomAsync(cancellationToken) == NodeRoom.Full)
        {
            LogNoRoom(callId);
            return Problems.NoMediaCapacity(request, nodeOptions.Value.FullRetryAfter);
        }

        // Meta's call rate holds for the whole app (every instance takes from one bucket): over it, answer at once with
        // when to come back rather than hold the caller; nothing is stored, as above.
        if (await rate.TryTakeAsync(request, cancellationToken) is { } tooFast)
        {
            return tooFast;
        }

        // Meta refuses business-initiated calls without the user's permission (138006) and counts them against the
        // user's limits; asking first means a refused dial stores nothing and commands nothing.
        if (await CheckPermissionAsync(waId, from, request, cancellationToken) is { } noPermission)
        {
            return noPermission;
        }

        var call = dial.ToOutboundCall(callId, from, waId, time.GetUtcNow(), flow.Timeouts) with
        {
            IdempotencyKey = idempotencyKey.Length > 0 ? idempotencyKey : null,
        };
        if (!(await store.CreateAsync(call, cancellationToken)).Created)
        {
            return await AcceptedAsync(request, callId, wait, cancellationToken);
        }

        // The answer shows the call as created: the node may move it on before this response is written.
        await callbacks.OnCreatedAsync(call, cancellationToken);
        var created = CallResource.Of(call with { Version = 1 }, await store.GetHistoryAsync(callId, cancellationToken));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var maskedTo = validated.To.Masked;
            LogPlaced(callId, from, maskedTo);
        }

        try
        {
            await flow.StartOutboundAsync(call, dial.Audio, cancellationToken);
        }
        catch (Exception ex) when (ex is CommandRoutingException or CommandTooLargeException or InvalidOperationException or IOException)
        {
            LogStartFailed(ex, callId);
            await flow.OnMediaFailedAsync(callId, CallErrorCodes.CommandTransportDown, "dial-start-failed|" + callId, cancellationToken);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.MediaUnavailable,
                "No media node could be asked to place the call.", null, Location(callId));
        }

        return wait ? AsyncWait.Pending(request, callId, created) : new AcceptedResult(Location(callId), created);
    }

    /// <summary>
    /// The result URL of <c>POST /api/calls?wait=true</c>: 202 (<c>Location</c>, <c>Retry-After</c>, the call so far)
    /// until the call ended and its results are in (the moment <c>call.ended</c> is sent), then 200 with the final call.
    /// </summary>
    [Function("GetCallResult")]
    public Task<IActionResult> GetCallResultAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AsyncWait.ResultRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => GetCallResultCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> GetCallResultCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CallIds.IsValid(id) || await store.GetAsync(id, cancellationToken) is not { } call)
        {
            return Problems.CallNotFound(CallIds.IsValid(id) ? id : null);
        }

        var resource = await ResourceAsync(call, await store.GetHistoryAsync(id, cancellationToken), cancellationToken);
        return call.IsReported ? new OkObjectResult(resource) : AsyncWait.Pending(request, id, resource);
    }

    [Function("GetCall")]
    public Task<IActionResult> GetCallAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "calls/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => GetCallCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> GetCallCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!CallIds.IsValid(id) || await store.GetAsync(id, cancellationToken) is not { } call)
        {
            return Problems.CallNotFound(CallIds.IsValid(id) ? id : null);
        }

        var history = await store.GetHistoryAsync(id, cancellationToken);
        return new OkObjectResult(await ResourceAsync(call, history, cancellationToken));
    }

    /// <summary>302 to a fresh read-only link to the call's recording (made now, valid <c>Recordings:UrlLifetime</c>).</summary>
    [Function("GetCallRecording")]
    public Task<IActionResult> GetRecordingAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "calls/{id}/recording")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => GetRecordingCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> GetRecordingCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!CallIds.IsValid(id) || await store.GetAsync(id, cancellationToken) is not { } call)
        {
            return Problems.CallNotFound(CallIds.IsValid(id) ? id : null);
        }

        if (call.Recording is not { } recording)
        {
            return Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.RecordingNotFound, "The call has no recording.",
                call.IsReported ? "The call's audio plan recorded nothing." : "None reported yet: a recording is reported when the call's media ends.");
        }

        return new RedirectResult((await recordings.ForApiAsync(recording, cancellationToken)).AbsoluteUri, permanent: false);
    }

    [Function("ListCalls")]
    public Task<IActionResult> ListCallsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "calls")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => ListCallsCoreAsync(request, cancellationToken));

    private async Task<IActionResult> ListCallsCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        CallState? state = null;
        if (query["state"].ToString() is { Length: > 0 } stateText)
        {
            if (!Enum.TryParse<CallState>(stateText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(stateText, out _))
            {
                return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "Unknown 'state'.",
                    "One of: " + string.Join(", ", Enum.GetNames<CallState>()));
            }

            state = parsed;
        }

        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "'since' is not an ISO 8601 time.");
            }

            since = parsed;
        }

        var pageSize = DefaultPageSize;
        if (query["pageSize"].ToString() is { Length: > 0 } sizeText
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "'pageSize' must be 1-1000.");
        }

        var token = query["continuationToken"].ToString() is { Length: > 0 } t ? t : null;
        CallPage page;
        try
        {
            page = await store.ListAsync(state, since, token, pageSize, cancellationToken);
        }
        catch (ArgumentException) when (token is not null)
        {
            // The store refuses tokens it did not issue (not base64url, not UTF-8, not its "<partition> <row>" form).
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, "'continuationToken' is not one this API issued.");
        }

        var calls = new List<CallResource>(page.Calls.Count);
        foreach (var call in page.Calls)
        {
            calls.Add(await ResourceAsync(call, null, cancellationToken));
        }

        return new OkObjectResult(new CallListResource(calls, page.ContinuationToken));
    }

    [Function("HangUpCall")]
    public Task<IActionResult> HangUpCallAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "calls/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => HangUpCallCoreAsync(request, id, cancellationToken));

    private async Task<IActionResult> HangUpCallCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!CallIds.IsValid(id))
        {
            return Problems.CallNotFound(null);
        }

        var result = await flow.HangupAsync(id, cancellationToken);
        if (result.Status == ApplyStatus.CallNotFound)
        {
            return Problems.CallNotFound(id);
        }

        var history = await store.GetHistoryAsync(id, cancellationToken);
        return new OkObjectResult(await ResourceAsync(result.Call!, history, cancellationToken));
    }

    /// <summary>Null when the call may be placed; otherwise the problem the dial answers.</summary>
    private async Task<IActionResult?> CheckPermissionAsync(string waId, string from, HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var decision = await permissions.CheckCanCallAsync(waId, from, cancellationToken);
            return decision.CanCall ? null : PermissionProblems.ForDecision(decision);
        }
        catch (PermissionRateLimitedException ex)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(ex.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.PermissionLookupRateLimited,
                "The user's call permission could not be checked now.", "Meta's call_permissions limit is hit; retry later.");
        }
        catch (WhatsAppGraphException ex)
        {
            return PermissionProblems.FromGraph(ex);
        }
    }

    private async Task<IActionResult> AcceptedAsync(HttpRequest request, string callId, bool wait, CancellationToken cancellationToken)
    {
        var call = await store.GetAsync(callId, cancellationToken)
            ?? throw new InvalidOperationException($"Call {callId} vanished after it was stored.");
        var history = await store.GetHistoryAsync(callId, cancellationToken);
        var resource = await ResourceAsync(call, history, cancellationToken);
        return wait ? AsyncWait.Pending(request, callId, resource) : new AcceptedResult(Location(callId), resource);
    }

    /// <summary>The call as shown, with a recording link made for this response.</summary>
    private async Task<CallResource> ResourceAsync(CallRecord call, IReadOnlyList<CallEvent>? history, CancellationToken cancellationToken) =>
        CallResource.Of(
            call, history, call.Recording is { } recording ? await recordings.ForApiAsync(recording, cancellationToken) : null);

    private static string Location(string callId) => "/api/calls/" + callId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} placed from number {PhoneNumberId} to {To}")]
    private partial void LogPlaced(string callId, string phoneNumberId, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} not placed: every live media node is full or draining")]
    private partial void LogNoRoom(string callId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId}: the start command could not be sent")]
    private partial void LogStartFailed(Exception ex, string callId);
}
