using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Functions.Analytics;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Calls;
using Serverless.Functions.Graph;
using Serverless.Functions.Nodes;
using Serverless.Functions.Permissions;
using Serverless.Functions.Settings;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Flows;

/// <summary>
/// The signalling flows (ARCHITECTURE.md "The flows"). Every step records a trigger first and performs side effects
/// (Graph requests, MediaNode commands) only when the store says the trigger was <see cref="ApplyStatus.Applied"/>,
/// so re-delivered and reordered inputs act at most once. Nothing here waits on the MediaNode: a step records and
/// commands, and the node's next event continues the flow.
/// </summary>
public sealed partial class CallFlow
{
    private readonly ICallStore _store;
    private readonly IWhatsAppCalls _graph;
    private readonly ICommandSender _commands;
    private readonly TimeProvider _time;
    private readonly CallFlowOptions _options;
    private readonly ILogger<CallFlow> _logger;
    private readonly StatusCallbacks _callbacks;
    private readonly IPermissionService _permissions;
    private readonly BusinessHoursGate _hours;
    private readonly InboundPlans _inboundPlans;
    private readonly HeldWebhookStore _held;
    private readonly CallRollups _rollups;
    private readonly NodeRegistry _nodes;
    private readonly IStartPlanFilter _planFilter;

    public CallFlow(
        ICallStore store,
        IWhatsAppCalls graph,
        ICommandSender commands,
        TimeProvider time,
        IOptions<CallFlowOptions> options,
        ILogger<CallFlow> logger,
        StatusCallbacks callbacks,
        IPermissionService permissions,
        BusinessHoursGate hours,
        InboundPlans inboundPlans,
        HeldWebhookStore held,
        CallRollups rollups,
        NodeRegistry nodes,
        IStartPlanFilter planFilter)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _graph = graph;
        _commands = commands;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _callbacks = callbacks;
        _permissions = permissions;
        _hours = hours;
        _inboundPlans = inboundPlans;
        _planFilter = planFilter;
        _held = held;
        _rollups = rollups;
        _nodes = nodes;
    }

    public CallTimeouts Timeouts => _options.ToCallTimeouts();

    /// <summary>
    /// Applies <paramref name="trigger"/> and, when it moved the call into a final state, ends the call everywhere
    /// (Graph where Meta does not know yet, Hangup to the owning node).
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(string callId, CallTrigger trigger, string dedupKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var result = await _store.ApplyAsync(callId, trigger, dedupKey, cancellationToken);
        switch (result.Status)
        {
            case ApplyStatus.Refused:
                LogRefused(callId, trigger.Name, result.Call?.State, result.Reason);
                break;
            case ApplyStatus.Applied when result.BecameFinal:
                await FinishAsync(result.Previous!, result.Call!, trigger, cancellationToken);
                break;
            case ApplyStatus.DuplicateDelivery when IsRedeliveryOfTheEnding(result, trigger) && result.Call!.NodeId is { } nodeId:
                // The first handling may have failed after recording but before the Hangup went out (the sender
                // retries the input for exactly that reason). Same MessageId, so a node that has it runs it once.
                await _commands.SendAsync(
                    CallCommands.Hangup(result.Call, nodeId, CallCommands.ReasonFor(result.Call), _time.GetUtcNow()), cancellationToken);
                break;
            default:
                break;
        }

        // After the side effects: a failure here fails the input, whose redelivery (DuplicateDelivery) enqueues again
        // under the same event id.
        await _callbacks.OnAppliedAsync(result, trigger, cancellationToken);
        await _rollups.OnAppliedAsync(result, cancellationToken);
        if (result.BecameFinal)
        {
            await RecordOutcomeAsync(result.Call!, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Feeds the unanswered streak (meta-calling-api.md §3): a connected call of either direction resets it; a
    /// business-initiated call the user declined or left ringing extends it; failures the user never saw change nothing.
    /// </summary>
    private async Task RecordOutcomeAsync(CallRecord call, CancellationToken cancellationToken)
    {
        BusinessCallOutcome? outcome = call switch
        {
            { ConnectedAt: not null } => BusinessCallOutcome.Connected,
            { Direction: CallDirection.Outbound, Outcome: CallOutcome.Rejected or CallOutcome.NoAnswer } => BusinessCallOutcome.Unanswered,
            _ => null,
        };
        if (outcome is { } recorded)
        {
            await _permissions.RecordCallOutcomeAsync(call.UserWaId, recorded, call.BusinessPhoneNumberId, cancellationToken);
        }
    }

    /// <summary>Ends a call that just became final: a Graph request when Meta still thinks it runs, then Hangup.</summary>
    private async Task FinishAsync(CallRecord previous, CallRecord call, CallTrigger trigger, CancellationToken cancellationToken)
    {
        LogEnded(call.CallId, call.State, call.Outcome, call.EndReason?.GetType().Name, trigger.Name);
        if (call.Wacid is { } wacid && NeedsGraphEnd(trigger))
        {
            // An inbound call we never accepted is still ringing at the user's: reject it; anything else is terminated.
            var reject = call.Direction == CallDirection.Inbound && previous.AcceptedAt is null;
            try
            {
                var action = reject ? CallGraphAction.Reject : CallGraphAction.Terminate;
                if (await MayActAsync(call.CallId, action, call, cancellationToken))
                {
                    await (reject
                        ? _graph.RejectAsync(call.BusinessPhoneNumberId, wacid, cancellationToken)
                        : _graph.TerminateAsync(call.BusinessPhoneNumberId, wacid, cancellationToken));
                }
            }
            catch (WhatsAppCallException ex) when (reject)
            {
                // Our accept can reach Meta after this ending read the record (AcceptedAt is written once Graph
                // answers): Meta then refuses the reject and the user stays in a connected call. Terminate it.
                LogGraphEndFailed(ex, call.CallId, "reject", ex.Code);
                await TerminateAfterRefusedRejectAsync(call, wacid, cancellationToken);
            }
            catch (WhatsAppCallException ex)
            {
                // The call is final for us either way; Meta ends it on its own timeout.
                LogGraphEndFailed(ex, call.CallId, "terminate", ex.Code);
            }
        }

        // A lost node reads no queue: a Hangup would only wait there for a node of the same id to start fresh. A
        // drained node ended the media itself and is going away.
        if (call.NodeId is { } nodeId && trigger is not (CallTrigger.NodeLost or CallTrigger.NodeDrained))
        {
            await _commands.SendAsync(CallCommands.Hangup(call, nodeId, CallCommands.ReasonFor(call), _time.GetUtcNow()), cancellationToken);
        }
    }

    private async Task TerminateAfterRefusedRejectAsync(CallRecord call, string wacid, CancellationToken cancellationToken)
    {
        try
        {
            if (await MayActAsync(call.CallId, CallGraphAction.Terminate, call, cancellationToken))
            {
                await _graph.TerminateAsync(call.BusinessPhoneNumberId, wacid, cancellationToken);
            }
        }
        catch (WhatsAppCallException ex)
        {
            LogGraphEndFailed(ex, call.CallId, "terminate", ex.Code);
        }
    }

    /// <summary>
    /// Reads the call just before a Graph action and applies <see cref="GraphActionRule"/>: the one place every
    /// connect, pre_accept, accept, reject and terminate of a call passes. False (logged) when it must not go out.
    /// </summary>
    /// <param name="callId">The call.</param>
    /// <param name="action">The action about to be sent.</param>
    /// <param name="ending">For reject/terminate: the final record whose ending the request carries to Meta.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    private async Task<bool> MayActAsync(string callId, CallGraphAction action, CallRecord? ending, CancellationToken cancellationToken) =>
        MayAct(callId, action, await _store.GetAsync(callId, cancellationToken), ending);

    /// <summary>As <see cref="MayActAsync"/> with a record just written (its ETag transaction succeeded): no read.</summary>
    private bool MayAct(string callId, CallGraphAction action, CallRecord? current, CallRecord? ending)
    {
        if (GraphActionRule.SkipReason(action, current, ending) is not { } reason)
        {
            return true;
        }

        LogGraphSkipped(callId, action, reason);
        return false;
    }

    private static bool IsRedeliveryOfTheEnding(ApplyResult result, CallTrigger trigger) =>
        result.Call is { IsFinal: true }
        && result.Event is { Result: TransitionKind.Applied } first
        && first.StateAfter.IsFinal()
        && first.Trigger == trigger.Name
        && trigger is not (CallTrigger.MediaStatsReported or CallTrigger.InputReceived or CallTrigger.StreamReported or CallTrigger.MediaReportOverdue
            or CallTrigger.AgentRequested or CallTrigger.AgentConnected or CallTrigger.AgentLegEnded or CallTrigger.AgentRequestEnded);

    /// <summary>
    /// Meta needs to hear from us when we end the call (hang-up, sweeper, media failure, our audio finished, or an
    /// accept that failed); a terminate webhook or REJECTED status means Meta ended it already.
    /// </summary>
    private static bool NeedsGraphEnd(CallTrigger trigger) => trigger is
        CallTrigger.HangupRequested or CallTrigger.DeadlinePassed or CallTrigger.MediaFailed
        or CallTrigger.PlaybackFinished or CallTrigger.GraphError or CallTrigger.NodeLost or CallTrigger.NodeDrained;

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: Graph {Action} not sent: {Reason}")]
    private partial void LogGraphSkipped(string callId, CallGraphAction action, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: trigger {Trigger} refused in state {State}: {Reason}")]
    private partial void LogRefused(string callId, string trigger, CallState? state, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ended {State} ({Outcome}, {EndReason}) on {Trigger}")]
    private partial void LogEnded(string callId, CallState state, CallOutcome? outcome, string? endReason, string trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: Graph {Action} failed with Meta code {Code}")]
    private partial void LogGraphEndFailed(Exception ex, string callId, string action, int? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: Graph {Action} failed with Meta code {Code}; failing the call")]
    private partial void LogGraphFailed(Exception ex, string callId, string action, int? code);
}
