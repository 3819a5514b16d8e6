using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Api;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Functions.Permissions;
using Serverless.Functions.Recordings;
using Serverless.Shared.AudioPlans;
using Serverless.Shared.WhatsApp;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// The console's HTTP API under <c>/api/console/</c>: anonymous at the Functions level, every route checks the
/// signed-in agent (<see cref="ConsoleAuth"/>); queue set-up is Admin level (master key) and takes no principal.
/// </summary>
public sealed partial class ConsoleApi(
    ConsoleAuth auth,
    ConsoleFlow console,
    ConsoleStore store,
    ICallStore calls,
    RecordingLinks recordings,
    WebPubSubPublisher signals,
    IOptions<ConsoleOptions> options,
    IOptions<CallFlowOptions> flowOptions,
    PromptSourcePolicy prompts,
    TimeProvider time)
{
    /// <summary>
    /// An outbound call placed from the console asks for the queue <c>agent.{id}</c>: only its own agent (queue names
    /// starting <c>agent.</c> are reserved for this).
    /// </summary>
    public const string DirectQueuePrefix = "agent.";

    /// <summary>The agent a direct queue names, or null for a real queue.</summary>
    public static string? DirectAgent(string queue) =>
        queue is not null && queue.StartsWith(DirectQueuePrefix, StringComparison.Ordinal) && queue.Length > DirectQueuePrefix.Length
            ? queue[DirectQueuePrefix.Length..] : null;

    /// <summary>How long an outbound console call's node waits for the agent's browser after the user answers.</summary>
    public const int OutboundAgentTimeoutSeconds = 30;

    /// <summary>Who is signed in, whether available, and the Web PubSub URL the page connects to (null: poll only).</summary>
    [Function("ConsoleMe")]
    public async Task<IActionResult> MeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/me")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        var row = await store.GetAgentAsync(agent.Id, cancellationToken);
        var url = await signals.ClientUrlAsync(agent.Id, cancellationToken);
        return new OkObjectResult(new
        {
            id = agent.Id,
            name = agent.Name,
            available = row?.Available ?? false,
            currentCallId = row?.CurrentCallId,
            webPubSubUrl = url?.AbsoluteUri,
        });
    }

    /// <summary><c>{"available": true|false}</c>.</summary>
    [Function("ConsolePresence")]
    public async Task<IActionResult> PresenceAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "console/presence")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        if (await ReadObjectAsync(request, cancellationToken) is not { } body || !body.TryGetProperty("available", out var a) || a.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.Validation("The body must be {\"available\": true} or {\"available\": false}.");
        }

        var row = await console.SetPresenceAsync(agent, a.GetBoolean(), cancellationToken);
        return new OkObjectResult(new { available = row.Available, idleSince = row.IdleSince });
    }

    /// <summary>The calls ringing for the signed-in agent.</summary>
    [Function("ConsoleRinging")]
    public async Task<IActionResult> RingingAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/ringing")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        return new OkObjectResult(new { calls = await console.RingingForAsync(agent.Id, cancellationToken) });
    }

    [Function("ConsoleAccept")]
    public async Task<IActionResult> AcceptAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/accept")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        if (!CallIds.IsValid(id))
        {
            return Problems.CallNotFound(null);
        }

        var (outcome, ring) = await console.AcceptAsync(agent, id, cancellationToken);
        return outcome == ConsoleOutcome.Done && ring is not null && await calls.GetAsync(id, cancellationToken) is { } call
            ? new OkObjectResult(RingView.Of(ring, call))
            : Refused(outcome, id, ring?.TakenByName);
    }

    [Function("ConsoleDecline")]
    public async Task<IActionResult> DeclineAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/decline")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        return !CallIds.IsValid(id) ? Problems.CallNotFound(null)
            : await console.DeclineAsync(agent, id, cancellationToken) is var outcome && outcome == ConsoleOutcome.Done ? new NoContentResult()
            : Refused(outcome, id, null);
    }

    /// <summary><c>{"sdp": "…"}</c>: the browser's offer for the agent leg → 202 <c>{legId}</c>; the answer arrives on the page's channel and at GET.</summary>
    [Function("ConsoleOffer")]
    public async Task<IActionResult> OfferAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/offer")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        if (!CallIds.IsValid(id))
        {
            return Problems.CallNotFound(null);
        }

        if (await ReadObjectAsync(request, cancellationToken) is not { } body || !body.TryGetProperty("sdp", out var sdp) || sdp.ValueKind != JsonValueKind.String
            || sdp.GetString() is not { Length: > 0 } offer || !offer.StartsWith("v=0", StringComparison.Ordinal))
        {
            return Problems.Validation("The body must be {\"sdp\": \"v=0…\"}, the browser's SDP offer.");
        }

        var (outcome, legId) = await console.ConnectAsync(agent, id, offer, cancellationToken);
        return outcome == ConsoleOutcome.Done ? new AcceptedResult((string?)null, new { legId }) : Refused(outcome, id, null);
    }

    /// <summary>One call as the console shows it: the call (state, agent, quality figures) and the agent leg (answer SDP, muted).</summary>
    [Function("ConsoleGetCall")]
    public async Task<IActionResult> GetCallAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/calls/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out _, out var problem))
        {
            return problem;
        }

        if (!CallIds.IsValid(id) || await calls.GetAsync(id, cancellationToken) is not { } call)
        {
            return Problems.CallNotFound(id);
        }

        var ring = await store.GetRingAsync(id, cancellationToken);
        return new OkObjectResult(new
        {
            call = Summary(call),
            leg = ring is null ? null : new { ring.LegId, ring.AnswerSdp, ring.Connected, ring.Muted, takenBy = ring.TakenByName, state = ring.State.ToString().ToLowerInvariant() },
        });
    }

    /// <summary><c>{"muted": true|false}</c>: the node stops (or resumes) forwarding the agent's audio.</summary>
    [Function("ConsoleMute")]
    public async Task<IActionResult> MuteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/mute")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        if (await ReadObjectAsync(request, cancellationToken) is not { } body || !body.TryGetProperty("muted", out var m) || m.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.Validation("The body must be {\"muted\": true} or {\"muted\": false}.");
        }

        var outcome = CallIds.IsValid(id) ? await console.MuteAsync(agent, id, m.GetBoolean(), cancellationToken) : ConsoleOutcome.NotFound;
        return outcome == ConsoleOutcome.Done ? new OkObjectResult(new { muted = m.GetBoolean() }) : Refused(outcome, id, null);
    }

    /// <summary>The agent leaves; the caller stays and the call's plan goes on with its next step.</summary>
    [Function("ConsoleHandBack")]
    public async Task<IActionResult> HandBackAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/handback")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        var outcome = CallIds.IsValid(id) ? await console.HandBackAsync(agent, id, cancellationToken) : ConsoleOutcome.NotFound;
        return outcome == ConsoleOutcome.Done ? new AcceptedResult() : Refused(outcome, id, null);
    }

    /// <summary>Hangs the whole call up (Meta's terminate, both legs end), as <c>DELETE /api/calls/{id}</c> does.</summary>
    [Function("ConsoleHangup")]
    public async Task<IActionResult> HangupAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/calls/{id}/hangup")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        var outcome = CallIds.IsValid(id) ? await console.HangupAsync(agent, id, cancellationToken) : ConsoleOutcome.NotFound;
        return outcome == ConsoleOutcome.Done ? new NoContentResult() : Refused(outcome, id, null);
    }

    /// <summary>Recent calls, newest first: outcome, duration, agent, queue, quality and whether a recording exists.</summary>
    [Function("ConsoleRecentCalls")]
    public async Task<IActionResult> RecentAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/calls")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out _, out var problem))
        {
            return problem;
        }

        var page = await calls.ListAsync(null, null, null, options.Value.RecentCalls, cancellationToken);
        return new OkObjectResult(new { calls = page.Calls.Select(Summary) });
    }

    /// <summary>302 to a fresh read-only link to the call's recording (the page's player follows it).</summary>
    [Function("ConsoleRecording")]
    public async Task<IActionResult> RecordingAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/calls/{id}/recording")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!auth.TryAuthenticate(request, out _, out var problem))
        {
            return problem;
        }

        if (!CallIds.IsValid(id) || await calls.GetAsync(id, cancellationToken) is not { Recording: { } recording })
        {
            return Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.RecordingNotFound, "The call has no recording.", null, "/api/console/calls/" + id);
        }

        return new RedirectResult((await recordings.ForApiAsync(recording, cancellationToken)).AbsoluteUri, permanent: false);
    }

    /// <summary>
    /// <c>{"to": "+…"}</c>: places an outbound call whose plan connects the signed-in agent once the user answers
    /// (through the dial API's own checks: a user without call permission is a 403 <c>call-permission-missing</c>,
    /// and the page offers <c>POST /api/console/permissions/{waId}/request</c>).
    /// </summary>
    [Function("ConsoleDial")]
    public async Task<IActionResult> DialAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/dial")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        if (await ReadObjectAsync(request, cancellationToken) is not { } body || !body.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String)
        {
            return Problems.Validation("The body must be {\"to\": \"+E.164 number\"}.");
        }

        // The call's record names the agent who placed it (by name, not id), even one who never set a presence.
        if (await store.GetAgentAsync(agent.Id, cancellationToken) is null)
        {
            await store.PutAgentAsync(new AgentRow(agent.Id, agent.Name, false, time.GetUtcNow(), null), cancellationToken);
        }

        var dial = JsonSerializer.SerializeToUtf8Bytes(new
        {
            to = to.GetString(),
            audio = new
            {
                steps = new object[]
                {
                    new { connectAgent = new { queue = DirectQueuePrefix + agent.Id, timeoutSeconds = OutboundAgentTimeoutSeconds } },
                    new { hangup = new { } },
                },
            },
            metadata = new Dictionary<string, string> { ["placedBy"] = agent.Name },
        });
        var api = ActivatorUtilities.CreateInstance<CallsApi>(request.HttpContext.RequestServices);
        return await StorageOutage.GuardAsync(request, () => api.PlaceAsync(request, dial, wait: false, cancellationToken));
    }

    /// <summary>Asks the user for call permission (the permission API's own request, limits and answers).</summary>
    [Function("ConsoleRequestPermission")]
    public async Task<IActionResult> RequestPermissionAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/permissions/{waId}/request")] HttpRequest request, string waId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!auth.TryAuthenticate(request, out _, out var problem))
        {
            return problem;
        }

        var permissions = ActivatorUtilities.CreateInstance<PermissionFunctions>(request.HttpContext.RequestServices);
        return await permissions.RequestAsync(request, waId, cancellationToken);
    }

    /// <summary>
    /// Admin (master key): <c>{"ringStrategy": "all"|"longestIdle", "holdPrompt"?: "…", "members"?: ["agent id", …]}</c>.
    /// No members: every agent. A queue never set up rings every available agent.
    /// </summary>
    [Function("PutConsoleQueue")]
    public async Task<IActionResult> PutQueueAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "console/queues/{name}")] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return Problems.Validation("A queue name is 1-64 letters, digits, '-', '_' or '.'.");
        }

        if (await ReadObjectAsync(request, cancellationToken) is not { } body)
        {
            return Problems.Validation("The body must be a JSON object.");
        }

        var strategy = body.TryGetProperty("ringStrategy", out var s) ? s.GetString() : "all";
        if (strategy is not ("all" or "longestIdle"))
        {
            return Problems.Validation("ringStrategy must be 'all' or 'longestIdle'.");
        }

        var members = body.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList() : [];
        var hold = body.TryGetProperty("holdPrompt", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
        if (hold is not null && !prompts.TryAllow(hold, out _, out var refused))
        {
            // Checked as a plan's prompt is: the node loops it for every caller waiting in this queue.
            return Problems.Validation("holdPrompt: " + refused);
        }

        var queue = new QueueRow(name, strategy == "all" ? RingStrategy.All : RingStrategy.LongestIdle, hold, members);
        await store.PutQueueAsync(queue, cancellationToken);
        return new OkObjectResult(new { name, ringStrategy = strategy, holdPrompt = hold, members });
    }

    private static object Summary(CallRecord call) => new
    {
        id = call.CallId,
        direction = WireText.Of(call.Direction),
        state = WireText.Of(call.State),
        outcome = call.Outcome is { } o ? WireText.Of(o) : null,
        caller = "+" + call.UserWaId,
        callerName = call.CallerName,
        createdAt = call.CreatedAt,
        connectedAt = call.ConnectedAt,
        durationSeconds = call.Duration?.TotalSeconds,
        queue = call.Queue,
        agent = AgentView.Of(call),
        hasRecording = call.Recording is not null,
        media = call.MediaStats is { } m ? new { m.PacketsLost, m.JitterMs, m.Mos, m.RoundTripMs } : null,
        lastError = ErrorView.Of(call.LastError),
    };

    private static ObjectResult Refused(ConsoleOutcome outcome, string id, string? takenBy) => outcome switch
    {
        ConsoleOutcome.Taken => Problems.Create(StatusCodes.Status409Conflict, ConsoleProblemTypes.CallTaken, "Another agent took the call.",
            takenBy is null ? null : $"Taken by {takenBy}.", "/api/console/calls/" + id),
        ConsoleOutcome.NotYours => Problems.Create(StatusCodes.Status409Conflict, ConsoleProblemTypes.NotYourCall, "This call is not yours.",
            "Only the agent who took the call can act on it (or it never rang for you).", "/api/console/calls/" + id),
        ConsoleOutcome.NotConnected => Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.CallNotConnected, "The call is not connected.",
            null, "/api/console/calls/" + id),
        ConsoleOutcome.NotRinging => Problems.Create(StatusCodes.Status404NotFound, ConsoleProblemTypes.NotRinging, "The call is not ringing any more.",
            null, "/api/console/calls/" + id),
        _ => Problems.CallNotFound(id),
    };

    private async Task<JsonElement?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await BodyReader.ReadAsync(request, flowOptions.Value.MaxApiBodyBytes * 4, cancellationToken);
        if (bytes is null || bytes.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
