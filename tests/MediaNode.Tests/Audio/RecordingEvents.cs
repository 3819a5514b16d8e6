using System.Collections.Concurrent;
using Serverless.MediaNode.Audio;

namespace Serverless.MediaNode.Tests.Audio;

/// <summary>Records what a plan reported, with awaitable milestones.</summary>
internal sealed class RecordingEvents : ICallAudioEvents
{
    public ConcurrentQueue<string> Digits { get; } = new();

    public TaskCompletionSource<string> FirstDigits { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Finished;

    public int Hangups;

    public ValueTask DigitsCollectedAsync(string digits, CancellationToken cancellationToken)
    {
        Digits.Enqueue(digits);
        FirstDigits.TrySetResult(digits);
        return ValueTask.CompletedTask;
    }

    public ValueTask PlanFinishedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Finished);
        return ValueTask.CompletedTask;
    }

    public ValueTask HangupRequestedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Hangups);
        return ValueTask.CompletedTask;
    }
}
