using System.Collections.Concurrent;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

/// <summary>
/// Test handler: records every attempt and every success, fails when <see cref="FailWhen"/> says so, and lets a
/// test wait (with a timeout) for a condition instead of sleeping.
/// </summary>
internal sealed class RecordingHandler : ICommandHandler, IDisposable
{
    private readonly ConcurrentQueue<MediaCommand> _handled = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Given the command and its attempt number (1-based, per MessageId), whether to throw.</summary>
    public Func<MediaCommand, int, bool> FailWhen { get; init; } = (_, _) => false;

    public IReadOnlyList<MediaCommand> Handled => [.. _handled];

    /// <summary>New calls the simulated node has room for (0: full or draining).</summary>
    public int NewCallRoom { get; set; } = int.MaxValue;

    public int Attempts(string messageId) => _attempts.GetValueOrDefault(messageId);

    public int TotalAttempts => _attempts.Values.Sum();

    public Task HandleAsync(MediaCommand command, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(command.MessageId, 1, (_, n) => n + 1);
        try
        {
            if (FailWhen(command, attempt))
            {
                throw new InvalidOperationException($"planned failure of {command.MessageType} attempt {attempt}");
            }

            _handled.Enqueue(command);
            return Task.CompletedTask;
        }
        finally
        {
            _changed.Release();
        }
    }

    public void Dispose() => _changed.Dispose();

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after every handler call.</summary>
    public async Task WaitUntilAsync(Func<RecordingHandler, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
            {
                throw new TimeoutException($"Condition not met within {timeout}; handled {_handled.Count}, attempts {TotalAttempts}.");
            }
        }
    }
}
