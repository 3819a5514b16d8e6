using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Calls;

/// <summary>
/// The call state machine: pure (no I/O, time passed in), total (every trigger in every state has an answer).
/// The transition table and the reasoning behind the convergence rules are in CallStateMachine.md.
/// </summary>
public sealed partial class CallStateMachine
{
    public CallStateMachine(CallTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        Timeouts = timeouts;
    }

    public static CallStateMachine Default { get; } = new(CallTimeouts.Default);

    public CallTimeouts Timeouts { get; }

    public TransitionResult Apply(CallRecord call, CallTrigger trigger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(trigger);

        if (trigger.OnlyFor is { } only && only != call.Direction)
        {
            return Refuse($"{trigger.Name} only applies to {only} calls, this call is {call.Direction}");
        }

        switch (trigger)
        {
            // Reports usually arrive after hang-up; they are data about the call, not transitions.
            case MediaStatsReported stats:
                return stats.Stats == call.MediaStats && stats.Recording == call.Recording && call.MediaEndedAt is not null
                    ? Same("the same media report is already recorded")
                    : Change(call, call with { MediaStats = stats.Stats, Recording = stats.Recording, MediaEndedAt = now, MediaReportDue = null }, now);
            case InputReceived input:
                return call.Inputs.Count >= CallRecord.MaxInputs
                    ? Same($"the call already holds {CallRecord.MaxInputs} inputs")
                    : Change(call, call with { Inputs = [.. call.Inputs, input.Input] }, now);
            case StreamReported:
                return Change(call, call, now); // history only: the plan goes on (or its next step ends the call)
            case AgentRequested requested:
                return Change(call, call with { Queue = requested.Queue }, now);
            case AgentConnected agent:
                return call.AgentId == agent.AgentId
                    ? Same("that agent is already connected")
                    : Change(call, call with { AgentId = agent.AgentId, AgentName = agent.AgentName }, now);
            case AgentLegEnded or AgentRequestEnded:
                return Change(call, call, now); // history only: the plan goes on
            case MediaReportOverdue:
                return call.MediaReportDue is { } due && now >= due
                    ? Change(call, call with { MediaReportDue = null }, now)
                    : Same("no media report is overdue");
        }

        if (call.State.IsFinal())
        {
            return AfterFinal(call, trigger, now);
        }

        var result = Decide(call, trigger, now);
        if (result is TransitionResult.Applied { BecameFinal: true } ended && AwaitsMediaReport(ended.Current, trigger))
        {
            // The node reports stats and the recording after it hangs up; call.ended waits for that, but not forever.
            return ended with { Current = ended.Current with { MediaReportDue = now + Timeouts.MediaReport } };
        }

        return result;
    }

    /// <summary>
    /// A node carries the call and will send MediaEnded: not when it reported already, failed the call itself, or is
    /// dead (a lost node sends nothing more).
    /// </summary>
    private static bool AwaitsMediaReport(CallRecord call, CallTrigger trigger) =>
        call.NodeId is not null && call.MediaEndedAt is null && trigger is not (MediaFailed or NodeLost);

    private TransitionResult Decide(CallRecord call, CallTrigger trigger, DateTimeOffset now)
    {
        return trigger switch
        {
            // Meta's terminate is authoritative for a connected call: media lost may be the user hanging up while
            // we could not hear it (a Functions outage). Wait for Meta's word, up to the media-loss window.
            MediaFailed when call.AwaitsMetaEnd => Same("media loss already recorded; waiting for Meta's terminate"),
            MediaFailed { Error.Code: CallErrorCodes.IceFailed or CallErrorCodes.MediaTimeout } lost when call.State == CallState.Connected =>
                Change(call, call with { LastError = lost.Error, Deadline = now + Timeouts.MediaLoss }, now),
            MediaFailed failed => Fail(call, now, CallOutcome.Failed, new CallEndReason.MediaFailed(failed.Error.Code), failed.Error),
            NodeLost lost => call.NodeId == lost.NodeId
                ? Fail(call, now, CallOutcome.Failed, new CallEndReason.MediaFailed(CallErrorCodes.NodeLost), new CallError(
                    CallErrorCodes.NodeLost, $"Media node {lost.NodeId} carrying the call stopped sending heartbeats."))
                : Same($"the call is carried by {call.NodeId ?? "no node"}, not {lost.NodeId}"),
            NodeDrained drained => call.NodeId == drained.NodeId
                ? Fail(call, now, CallOutcome.Failed, new CallEndReason.MediaFailed(CallErrorCodes.NodeDrained), new CallError(
                    CallErrorCodes.NodeDrained, $"Media node {drained.NodeId} carrying the call was shut down; the call was still up at its drain deadline."))
                : Same($"the call is carried by {call.NodeId ?? "no node"}, not {drained.NodeId}"),
            GraphError error => Fail(
                call, now, CallOutcome.Failed, new CallEndReason.MetaError(error.Code, error.Message), CallError.Meta(error.Code, error.Message)),
            DeadlinePassed => OnDeadline(call, now),
            HangupRequested => OnHangup(call, now),
            Terminated terminated => OnTerminated(call, terminated, now),
            PlaybackFinished => call.State == CallState.Connected
                ? End(call, now, CallState.Ended, CallOutcome.Completed, new CallEndReason.Completed(), null)
                : Refuse($"playback cannot finish on a call that is {call.State}"),
            PlayRequested => call.State == CallState.Connected
                ? Change(call, call with { PlaysSent = call.PlaysSent + 1 }, now)
                : Refuse($"nothing can be played into a call that is {call.State}"),
            AgentCommandSent => call.State == CallState.Connected
                ? Change(call, call with { PlaysSent = call.PlaysSent + 1 }, now)
                : Refuse($"no agent command can go to a call that is {call.State}"),
            PlayFinished => call.State == CallState.Connected
                ? Change(call, call, now)
                : Refuse($"no play can finish on a call that is {call.State}"),
            _ => call.Direction == CallDirection.Outbound ? ApplyOutbound(call, trigger, now) : ApplyInbound(call, trigger, now),
        };
    }

    private static TransitionResult AfterFinal(CallRecord call, CallTrigger trigger, DateTimeOffset now)
    {
        // Meta's terminate for an unanswered outbound call does not say whether the user declined or did not
        // pick up; REJECTED does, and may be delivered after the terminate. This one refinement keeps
        // reordered deliveries converging on the in-order outcome. State and timestamps stay as they are.
        if (trigger is StatusRejected && call.EndReason is CallEndReason.NoAnswer && call.ConnectedAt is null)
        {
            return Change(call, call with { Outcome = CallOutcome.Rejected, EndReason = new CallEndReason.Rejected() }, now);
        }

        return Same($"call is already {call.State}; {trigger.Name} is late or duplicate");
    }

    private TransitionResult OnDeadline(CallRecord call, DateTimeOffset now)
    {
        // The sweeper read the call earlier; a transition since then may have moved the deadline.
        if (call.Deadline is not { } deadline || now < deadline)
        {
            return Same("deadline not reached");
        }

        if (call.AwaitsMetaEnd)
        {
            // Meta never said the user hung up: the media loss was real; Meta hears it from us (terminate).
            return Fail(call, now, CallOutcome.Failed, new CallEndReason.MediaFailed(call.LastError!.Code), call.LastError);
        }

        if (call is { NodeId: null, State: CallState.Preparing or CallState.Offered })
        {
            // No node claimed the call: its start waited in the new-calls queue, which only nodes with room read.
            return Fail(
                call, now, CallOutcome.Failed, new CallEndReason.Timeout(call.State),
                new CallError(CallErrorCodes.Capacity, $"No media node had capacity: none took the call within {Seconds(Timeouts.Placement)} s (every node full, draining or down)."));
        }

        var outcome = call.State is CallState.Ringing or CallState.Offered ? CallOutcome.NoAnswer : CallOutcome.Failed;
        return Fail(
            call, now, outcome, new CallEndReason.Timeout(call.State),
            new CallError(CallErrorCodes.Timeout, $"No progress in state {WireText.Of(call.State)} before its deadline."));
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private static TransitionResult.Applied OnHangup(CallRecord call, DateTimeOffset now) =>
        call.State == CallState.Connected
            ? End(call, now, CallState.Ended, CallOutcome.Completed, new CallEndReason.BusinessHangup(), null)
            : End(call, now, CallState.Ended, CallOutcome.Cancelled, new CallEndReason.BusinessHangup(), null);

    private static TransitionResult OnTerminated(CallRecord call, Terminated terminated, DateTimeOffset now)
    {
        if (call.State == CallState.Preparing)
        {
            return Refuse("terminate before Graph connect returned a wacid");
        }

        TimeSpan? metaDuration = terminated.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        // COMPLETED means the call was picked up, even when our MediaConnected event is still in flight.
        if (terminated.Status == TerminateStatus.Completed)
        {
            if (call.AwaitsMetaEnd)
            {
                // The user hung up; the node's media loss was its consequence, not an error of the call.
                call = call with { LastError = null };
            }

            return End(call, now, CallState.Ended, CallOutcome.Completed, new CallEndReason.UserHangup(), metaDuration);
        }

        if (terminated.Error is { } error)
        {
            return End(
                call, now, CallState.Failed, CallOutcome.Failed, new CallEndReason.MetaError(error.MetaCode ?? 0, error.Message), metaDuration, error);
        }

        return call.ConnectedAt is null
            ? End(call, now, CallState.Ended, CallOutcome.NoAnswer, new CallEndReason.NoAnswer(), metaDuration)
            : End(call, now, CallState.Failed, CallOutcome.Failed, new CallEndReason.Dropped(), metaDuration);
    }

    private static TransitionResult.Applied Fail(
        CallRecord call, DateTimeOffset now, CallOutcome outcome, CallEndReason reason, CallError? error) =>
        End(call, now, CallState.Failed, outcome, reason, null, error);

    private static TransitionResult.Applied End(
        CallRecord call,
        DateTimeOffset now,
        CallState state,
        CallOutcome outcome,
        CallEndReason reason,
        TimeSpan? duration,
        CallError? error = null)
    {
        var talked = duration ?? (call.ConnectedAt is { } connected ? now - connected : TimeSpan.Zero);
        return Change(call, call with
        {
            State = state,
            Outcome = outcome,
            EndReason = reason,
            EndedAt = now,
            Duration = talked,
            Deadline = null,
            LastError = error ?? call.LastError,
        }, now);
    }

    private TransitionResult.Applied Enter(CallRecord call, CallRecord changed, CallState state, DateTimeOffset now) =>
        Change(call, changed with { State = state, Deadline = now + Timeouts.For(state) }, now);

    private static TransitionResult.Applied Change(CallRecord previous, CallRecord current, DateTimeOffset now) =>
        new(previous, current with { UpdatedAt = now });

    private static TransitionResult.NoChange Same(string reason) => new(reason);

    private static TransitionResult.Refused Refuse(string reason) => new(reason);
}
