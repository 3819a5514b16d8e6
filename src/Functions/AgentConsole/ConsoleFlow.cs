using Microsoft.Extensions.Logging;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.AgentConsole;

/// <summary>What a console action came to.</summary>
public enum ConsoleOutcome
{
    Done,
    NotRinging,
    Taken,
    NotYours,
    NotConnected,
    NotFound,
}

/// <summary>
/// The agent side of a call: ringing a queue's agents when the node's <c>connectAgent</c> step asks, the first accept
/// winning by an ETag transaction on the ring row, the browser's offer sent to the call's node as
/// <c>ConnectAgent</c> (counted in the call's command sequence like a Play), the node's answer pushed back to the
/// agent's page, and the agent fields of the call record. Pages hear of every change through
/// <see cref="WebPubSubPublisher"/> and can always read the same state over HTTP.
/// </summary>
public sealed partial class ConsoleFlow(
    ConsoleStore store,
    ICallStore calls,
    CallFlow flow,
    ICommandSender commands,
    WebPubSubPublisher signals,
    TimeProvider time,
    ILogger<ConsoleFlow> logger)
{
    private const int MaxEtagRetries = 8;

    // ---- node events ----

    /// <summary>The plan reached <c>connectAgent</c>: record the queue on the call, ring the queue's available agents.</summary>
    public async Task<ApplyResult> OnAgentRequestedAsync(AgentRequested requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var result = await flow.ApplyAsync(requested.CallId, new CallTrigger.AgentRequested(requested.Queue, requested.TimeoutSeconds),
            CallDedupKeys.MediaEvent(requested.MessageId), cancellationToken);
        if (result.Call is not { IsFinal: false } call)
        {
            return result;
        }

        var now = time.GetUtcNow();
        var expires = now.AddSeconds(Math.Max(1, requested.TimeoutSeconds));
        var direct = ConsoleApi.DirectAgent(requested.Queue);
        var directRow = direct is null ? null : await store.GetAgentAsync(direct, cancellationToken);
        var ring = await store.AddRingAsync(new RingRow
        {
            CallId = call.CallId,
            Queue = requested.Queue,
            // An outbound call placed from the console asks for the agent who placed it: theirs from the start.
            State = direct is null ? RingState.Ringing : RingState.Taken,
            TakenBy = direct,
            TakenByName = direct is null ? null : directRow?.Name ?? direct,
            CallerName = call.CallerName,
            CallerNumber = "+" + call.UserWaId,
            CreatedAt = now,
            ExpiresAt = expires,
        }, cancellationToken);

        if (direct is not null && ring.TakenBy == direct)
        {
            if (directRow is not null)
            {
                await store.PutAgentAsync(directRow with { CurrentCallId = call.CallId }, cancellationToken);
            }

            await signals.SendToUserAsync(direct, new { type = "ready", call = RingView.Of(ring, call) }, cancellationToken);
            return result;
        }

        if (ring.State == RingState.Ringing && ring.Offered.Count == 0)
        {
            await OfferNextAsync(call.CallId, cancellationToken);
        }

        return result;
    }

    /// <summary>The node answered the browser's offer: the SDP goes to the agent's page (and is kept for a page that reads it).</summary>
    public async Task<bool> OnAgentAnswerReadyAsync(AgentAnswerReady answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        for (var attempt = 0; attempt < MaxEtagRetries; attempt++)
        {
            if (await store.GetRingAsync(answer.CallId, cancellationToken) is not { LegId: { } legId, TakenBy: { } agent } ring || legId != answer.LegId)
            {
                LogUnknownLeg(answer.CallId, "AgentAnswerReady");
                return false;
            }

            if (await store.TryReplaceRingAsync(ring with { AnswerSdp = answer.Sdp }, cancellationToken) is not null)
            {
                await signals.SendToUserAsync(agent, new { type = "answer", callId = answer.CallId, legId = answer.LegId, sdp = answer.Sdp }, cancellationToken);
                return true;
            }
        }

        return false;
    }

    /// <summary>The agent's leg is up: the call record names the agent (<c>call.agentConnected</c> follows).</summary>
    public async Task<ApplyResult> OnAgentConnectedAsync(AgentConnected connected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connected);
        var ring = await store.GetRingAsync(connected.CallId, cancellationToken);
        var agentId = ring?.TakenBy ?? "unknown";
        var result = await flow.ApplyAsync(connected.CallId, new CallTrigger.AgentConnected(agentId, ring?.TakenByName ?? agentId),
            CallDedupKeys.MediaEvent(connected.MessageId), cancellationToken);
        if (ring is not null)
        {
            await UpdateRingAsync(connected.CallId, r => r with { Connected = true }, cancellationToken);
            await signals.SendToUserAsync(agentId, new { type = "connected", callId = connected.CallId, legId = connected.LegId }, cancellationToken);
        }

        return result;
    }

    /// <summary>The agent's leg ended: history, the ring closed, the agent idle again (longest-idle counts from now).</summary>
    public async Task<ApplyResult> OnAgentLegEndedAsync(AgentLegEnded ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var result = await flow.ApplyAsync(ended.CallId, new CallTrigger.AgentLegEnded(ended.LegId, ended.Detail is { } d ? $"{ended.Reason} ({d})" : ended.Reason.ToString()),
            CallDedupKeys.MediaEvent(ended.MessageId), cancellationToken);
        var ring = await UpdateRingAsync(ended.CallId, r => r.LegId == ended.LegId ? r with { State = RingState.Ended } : r, cancellationToken);
        if (ring is { TakenBy: { } agentId, LegId: { } legId } && legId == ended.LegId)
        {
            await ReleaseAgentAsync(agentId, ended.CallId, cancellationToken);
            await signals.SendToUserAsync(agentId, new { type = "ended", callId = ended.CallId, legId = ended.LegId, reason = ended.Reason.ToString() }, cancellationToken);
        }

        return result;
    }

    /// <summary>Nobody took the call in time (the node runs onNoAgent): it vanishes from every page that rang.</summary>
    public async Task<ApplyResult> OnAgentRequestEndedAsync(AgentRequestEnded ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var result = await flow.ApplyAsync(ended.CallId, new CallTrigger.AgentRequestEnded(ended.Queue, ended.Reason.ToString()),
            CallDedupKeys.MediaEvent(ended.MessageId), cancellationToken);
        var before = await store.GetRingAsync(ended.CallId, cancellationToken);
        var ring = await UpdateRingAsync(ended.CallId, r => r.State == RingState.Ringing ? r with { State = RingState.Ended } : r, cancellationToken);
        if (before is { State: RingState.Ringing } && ring is { State: RingState.Ended })
        {
            await GoneAsync(before.Offered, ended.CallId, "nobody answered", cancellationToken);
        }

        return result;
    }

    // ---- agents' actions ----

    /// <summary>Available or away. Becoming available rings the agent for calls already waiting.</summary>
    public async Task<AgentRow> SetPresenceAsync(ClientPrincipal agent, bool available, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var now = time.GetUtcNow();
        var row = await store.GetAgentAsync(agent.Id, cancellationToken);
        var updated = new AgentRow(agent.Id, agent.Name, available,
            available && row is { Available: true } ? row.IdleSince : now, row?.CurrentCallId);
        await store.PutAgentAsync(updated, cancellationToken);
        if (available && !(row?.Available ?? false))
        {
            foreach (var waiting in await store.ListRingsAsync(RingState.Ringing, cancellationToken))
            {
                if (!waiting.Offered.Contains(agent.Id) && !waiting.Declined.Contains(agent.Id) && (waiting.ExpiresAt is not { } e || e > now))
                {
                    await OfferNextAsync(waiting.CallId, cancellationToken);
                }
            }
        }

        return updated;
    }

    /// <summary>The calls ringing for this agent now, with the caller's profile name and number.</summary>
    public async Task<IReadOnlyList<RingView>> RingingForAsync(string agentId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = new List<RingView>();
        foreach (var ring in await store.ListRingsAsync(RingState.Ringing, cancellationToken))
        {
            if (ring.Offered.Contains(agentId) && (ring.ExpiresAt is not { } e || e > now)
                && await calls.GetAsync(ring.CallId, cancellationToken) is { IsFinal: false } call)
            {
                list.Add(RingView.Of(ring, call));
            }
        }

        return [.. list.OrderBy(r => r.Since)];
    }

    /// <summary>First accept wins: the ring row moves to Taken under its ETag; every later accept sees it taken.</summary>
    public async Task<(ConsoleOutcome Outcome, RingRow? Ring)> AcceptAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        for (var attempt = 0; attempt < MaxEtagRetries; attempt++)
        {
            var ring = await store.GetRingAsync(callId, cancellationToken);
            if (ring is null || ring.State == RingState.Ended || ring.ExpiresAt is { } e && e <= time.GetUtcNow()
                || await calls.GetAsync(callId, cancellationToken) is not { IsFinal: false })
            {
                return (ConsoleOutcome.NotRinging, ring);
            }

            if (ring.State == RingState.Taken)
            {
                return ring.TakenBy == agent.Id ? (ConsoleOutcome.Done, ring) : (ConsoleOutcome.Taken, ring);
            }

            if (!ring.Offered.Contains(agent.Id))
            {
                return (ConsoleOutcome.NotYours, ring);
            }

            if (await store.TryReplaceRingAsync(ring with { State = RingState.Taken, TakenBy = agent.Id, TakenByName = agent.Name }, cancellationToken) is { } taken)
            {
                LogTaken(callId, agent.Id);
                await BusyAsync(agent, callId, cancellationToken);
                await GoneAsync(ring.Offered.Where(a => a != agent.Id), callId, "taken by " + agent.Name, cancellationToken);
                return (ConsoleOutcome.Done, taken);
            }
        }

        return (ConsoleOutcome.Taken, null);
    }

    /// <summary>Declines for this agent; a longest-idle queue passes the call to the next agent.</summary>
    public async Task<ConsoleOutcome> DeclineAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var ring = await UpdateRingAsync(callId, r => r.State == RingState.Ringing && r.Offered.Contains(agent.Id)
            ? r with { Offered = [.. r.Offered.Where(a => a != agent.Id)], Declined = [.. r.Declined, agent.Id] }
            : r, cancellationToken);
        if (ring is null || !ring.Declined.Contains(agent.Id))
        {
            return ConsoleOutcome.NotRinging;
        }

        await GoneAsync([agent.Id], callId, "declined", cancellationToken);
        if (ring.Offered.Count == 0)
        {
            await OfferNextAsync(callId, cancellationToken);
        }

        return ConsoleOutcome.Done;
    }

    /// <summary>
    /// The browser's SDP offer for the agent leg: <c>ConnectAgent</c> to the call's node, counted first in the call's
    /// command sequence (the Hangup comes after it). The answer comes back as <c>AgentAnswerReady</c>.
    /// </summary>
    public async Task<(ConsoleOutcome Outcome, string? LegId)> ConnectAsync(ClientPrincipal agent, string callId, string offerSdp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var ring = await store.GetRingAsync(callId, cancellationToken);
        if (ring is null)
        {
            return (ConsoleOutcome.NotFound, null);
        }

        if (ring.State != RingState.Taken || ring.TakenBy != agent.Id)
        {
            return (ConsoleOutcome.NotYours, null);
        }

        var legId = "leg-" + Guid.NewGuid().ToString("N")[..12];
        if (await UpdateRingAsync(callId, r => r with { LegId = legId, AnswerSdp = null, Connected = false }, cancellationToken) is null)
        {
            return (ConsoleOutcome.NotFound, null);
        }

        var sent = await SendAgentCommandAsync(callId, "ConnectAgent", "connect", legId,
            new ConnectAgent { CallId = callId, CreatedAt = time.GetUtcNow(), LegId = legId, OfferSdp = offerSdp, Agent = agent.Id }, cancellationToken);
        return sent == ConsoleOutcome.Done ? (ConsoleOutcome.Done, legId) : (sent, null);
    }

    /// <summary>Mutes or unmutes the agent towards the caller (the node sends silence meanwhile).</summary>
    public async Task<ConsoleOutcome> MuteAsync(ClientPrincipal agent, string callId, bool muted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (await OwnLegAsync(agent, callId, cancellationToken) is not { } legId)
        {
            return ConsoleOutcome.NotYours;
        }

        var sent = await SendAgentCommandAsync(callId, muted ? "MuteAgent (muted)" : "MuteAgent (unmuted)", "mute", Guid.NewGuid().ToString("N"),
            new MuteAgent { CallId = callId, CreatedAt = time.GetUtcNow(), LegId = legId, Muted = muted }, cancellationToken);
        if (sent != ConsoleOutcome.Done)
        {
            return sent;
        }

        await UpdateRingAsync(callId, r => r with { Muted = muted }, cancellationToken);
        return ConsoleOutcome.Done;
    }

    /// <summary>
    /// The agent leaves and hands the caller back to the call's plan (its next step runs: a survey, a goodbye, a
    /// recording): <see cref="DisconnectAgent"/> ends the agent leg only; the node's <c>AgentLegEnded</c> frees the agent.
    /// </summary>
    public async Task<ConsoleOutcome> HandBackAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return await OwnLegAsync(agent, callId, cancellationToken) is { } legId
            ? await SendAgentCommandAsync(callId, "DisconnectAgent", "handback", legId,
                new DisconnectAgent { CallId = callId, CreatedAt = time.GetUtcNow(), LegId = legId }, cancellationToken)
            : ConsoleOutcome.NotYours;
    }

    /// <summary>The agent's hang-up ends the whole call (the normal Hangup: Meta's terminate, both legs end).</summary>
    public async Task<ConsoleOutcome> HangupAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (await store.GetRingAsync(callId, cancellationToken) is not { } ring || ring.TakenBy != agent.Id)
        {
            return ConsoleOutcome.NotYours;
        }

        await flow.HangupAsync(callId, cancellationToken);
        await ReleaseAgentAsync(agent.Id, callId, cancellationToken);
        return ConsoleOutcome.Done;
    }

    // ---- helpers ----

    /// <summary>The leg of the call this agent took, or null when the call is not theirs (or has no leg yet).</summary>
    private async Task<string?> OwnLegAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken) =>
        await store.GetRingAsync(callId, cancellationToken) is { State: RingState.Taken, LegId: { } legId } ring && ring.TakenBy == agent.Id ? legId : null;

    /// <summary>
    /// ConnectAgent, MuteAgent and DisconnectAgent go one way: counted in the call's command sequence (an applied
    /// <c>AgentCommandSent</c>, deduplicated by <paramref name="what"/> and <paramref name="key"/>), then sent to the
    /// call's node in that place of the sequence. NotConnected when the call has no node (ended, not placed yet).
    /// </summary>
    private async Task<ConsoleOutcome> SendAgentCommandAsync(string callId, string history, string what, string key, MediaCommand command, CancellationToken cancellationToken)
    {
        var result = await flow.ApplyAsync(callId, new CallTrigger.AgentCommandSent(history), CallDedupKeys.Console(callId, what, key), cancellationToken);
        if (result.Status != ApplyStatus.Applied || result.Call is not { NodeId: { } node } call)
        {
            return ConsoleOutcome.NotConnected;
        }

        await commands.SendAsync(command with { MessageId = $"{callId}:{what}:{key}", NodeId = node, Sequence = CallCommands.MidCallSequence(call) }, cancellationToken);
        return ConsoleOutcome.Done;
    }

    /// <summary>Offers a ringing call to the next agents its queue's strategy picks (none free: it waits for one).</summary>
    private async Task OfferNextAsync(string callId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxEtagRetries; attempt++)
        {
            if (await store.GetRingAsync(callId, cancellationToken) is not { State: RingState.Ringing } ring
                || await calls.GetAsync(callId, cancellationToken) is not { IsFinal: false } call)
            {
                return;
            }

            var queue = await store.GetQueueAsync(ring.Queue, cancellationToken) ?? new QueueRow(ring.Queue, RingStrategy.All, null, []);
            var free = new List<AgentRow>();
            foreach (var a in (await store.ListAgentsAsync(cancellationToken)).OrderBy(a => a.IdleSince))
            {
                if (a.Available && !ring.Declined.Contains(a.Id) && !ring.Offered.Contains(a.Id)
                    && (queue.Members.Count == 0 || queue.Members.Contains(a.Id)) && !await IsBusyAsync(a, cancellationToken))
                {
                    free.Add(a);
                }
            }

            var add = queue.Strategy == RingStrategy.All ? free : ring.Offered.Count == 0 ? free.Take(1).ToList() : [];
            if (add.Count == 0)
            {
                return;
            }

            if (await store.TryReplaceRingAsync(ring with { Offered = [.. ring.Offered, .. add.Select(a => a.Id)] }, cancellationToken) is { } offered)
            {
                var view = RingView.Of(offered, call);
                foreach (var agent in add)
                {
                    await signals.SendToUserAsync(agent.Id, new { type = "ringing", call = view }, cancellationToken);
                }

                LogRang(callId, add.Count, queue.Strategy);
                return;
            }
        }
    }

    private async Task<RingRow?> UpdateRingAsync(string callId, Func<RingRow, RingRow> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxEtagRetries; attempt++)
        {
            if (await store.GetRingAsync(callId, cancellationToken) is not { } ring)
            {
                return null;
            }

            var changed = change(ring);
            if (changed == ring)
            {
                return ring;
            }

            if (await store.TryReplaceRingAsync(changed, cancellationToken) is { } stored)
            {
                return stored;
            }
        }

        return null;
    }

    /// <summary>
    /// Busy while their call goes on; a call that ended without the node's AgentLegEnded (a node lost, a leg never
    /// made) frees the agent here, and the row is corrected.
    /// </summary>
    private async Task<bool> IsBusyAsync(AgentRow agent, CancellationToken cancellationToken)
    {
        if (agent.CurrentCallId is not { } callId)
        {
            return false;
        }

        if (await calls.GetAsync(callId, cancellationToken) is { IsFinal: false })
        {
            return true;
        }

        await ReleaseAgentAsync(agent.Id, callId, cancellationToken);
        return false;
    }

    private async Task BusyAsync(ClientPrincipal agent, string callId, CancellationToken cancellationToken)
    {
        var row = await store.GetAgentAsync(agent.Id, cancellationToken);
        await store.PutAgentAsync(new AgentRow(agent.Id, agent.Name, row?.Available ?? false, row?.IdleSince ?? time.GetUtcNow(), callId), cancellationToken);
    }

    private async Task ReleaseAgentAsync(string agentId, string callId, CancellationToken cancellationToken)
    {
        if (await store.GetAgentAsync(agentId, cancellationToken) is { } row && row.CurrentCallId == callId)
        {
            await store.PutAgentAsync(row with { CurrentCallId = null, IdleSince = time.GetUtcNow() }, cancellationToken);
        }
    }

    private async Task GoneAsync(IEnumerable<string> agents, string callId, string why, CancellationToken cancellationToken)
    {
        foreach (var agent in agents)
        {
            await signals.SendToUserAsync(agent, new { type = "gone", callId, why }, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: rang {Count} agent(s) ({Strategy})")]
    private partial void LogRang(string callId, int count, RingStrategy strategy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: taken by agent {AgentId}")]
    private partial void LogTaken(string callId, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: {Event} names no agent leg of this call")]
    private partial void LogUnknownLeg(string callId, string @event);
}

/// <summary>A ringing (or taken) call as a page shows it.</summary>
public sealed record RingView(string CallId, string Queue, string? CallerName, string CallerNumber, string Direction, DateTimeOffset Since, string State, string? TakenBy)
{
    public static RingView Of(RingRow ring, CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(call);
        return new RingView(ring.CallId, ring.Queue, ring.CallerName ?? call.CallerName, ring.CallerNumber, WireText.Of(call.Direction), ring.CreatedAt,
            ring.State switch { RingState.Ringing => "ringing", RingState.Taken => "taken", _ => "ended" }, ring.TakenByName);
    }
}
