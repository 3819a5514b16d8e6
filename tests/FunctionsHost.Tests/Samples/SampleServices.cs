using System.Collections.Concurrent;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

/// <summary>A singleton the sample functions get by constructor injection.</summary>
public sealed class Greeter(string greeting)
{
    public string Greet(string name) => $"{greeting}, {name}";
}

/// <summary>Scoped: one per invocation scope, so tests can see which scope a function ran in.</summary>
public sealed class ScopeMarker
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>Counts invocations, so tests can prove that a refused request invoked nothing.</summary>
public sealed class InvocationLog
{
    private readonly ConcurrentQueue<string> _entries = new();

    private readonly Lock _gate = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<string> Entries => _entries;

    public void Add(string entry)
    {
        _entries.Enqueue(entry);
        TaskCompletionSource added;
        lock (_gate)
        {
            added = _added;
            _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    /// <summary>Waits until <paramref name="count"/> entries match <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public async Task WaitForAsync(Func<string, bool> match, int count, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                next = _added.Task;
            }

            if (_entries.Count(match) >= count)
            {
                return;
            }

            try
            {
                await next.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{_entries.Count(match)} of {count} matching entries within {timeout}.");
            }
        }
    }
}
