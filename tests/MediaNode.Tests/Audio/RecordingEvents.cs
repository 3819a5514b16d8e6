using System.Collections.Concurrent;
using Serverless.MediaNode.Audio;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Tests.Audio;

/// <summary>Records what a plan reported, with awaitable milestones.</summary>
internal sealed class RecordingEvents : ICallAudioEvents
{
    public ConcurrentQueue<string> Digits { get; } = new();

    public TaskCompletionSource<string> FirstDigits { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Finished;

    public int Hangups;

    /// <summary>Every collect step's result, in order (Digits keeps the non-empty ones, as before).</summary>
    public ConcurrentQueue<(int Step, DigitInput Input)> Inputs { get; } = new();

    public ValueTask InputCollectedAsync(int stepIndex, DigitInput input, CancellationToken cancellationToken)
    {
        Inputs.Enqueue((stepIndex, input));
        if (input.Digits.Length > 0)
        {
            Digits.Enqueue(input.Digits);
            FirstDigits.TrySetResult(input.Digits);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask PlanFinishedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Finished);
        return ValueTask.CompletedTask;
    }

    /// <summary>Every stream step's result, in order.</summary>
    public ConcurrentQueue<(int Step, StreamResult Result)> Streams { get; } = new();

    public ValueTask StreamEndedAsync(int stepIndex, StreamResult result, CancellationToken cancellationToken)
    {
        Streams.Enqueue((stepIndex, result));
        return ValueTask.CompletedTask;
    }

    public ValueTask HangupRequestedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Hangups);
        return ValueTask.CompletedTask;
    }

    /// <summary>Every connectAgent request and its end without an agent, in order ("requested q 30", "ended q Timeout").</summary>
    public ConcurrentQueue<string> Agent { get; } = new();

    public TaskCompletionSource AgentRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask AgentRequestedAsync(string queue, int timeoutSeconds, CancellationToken cancellationToken)
    {
        Agent.Enqueue($"requested {queue} {timeoutSeconds}");
        AgentRequested.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public ValueTask AgentRequestEndedAsync(string queue, AgentRequestEndReason reason, CancellationToken cancellationToken)
    {
        Agent.Enqueue($"ended {queue} {reason}");
        return ValueTask.CompletedTask;
    }
}
