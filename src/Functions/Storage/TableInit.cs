namespace Serverless.Functions.Storage;

/// <summary>
/// Creates a store's tables on first use and again once <see cref="Recheck"/> has passed since the last creation,
/// so tables lost with the storage (Azurite or the account came back empty) are back within that time by themselves,
/// instead of every request failing until the app restarts. A failed creation is retried on the next use.
/// </summary>
public sealed class TableInit(Func<Task> create, TimeProvider? time = null)
{
    /// <summary>How long a successful creation is trusted; one cheap "already exists" answer per table after that.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private Task? _task;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _createdAt;

    /// <summary>Completes when the tables exist (as far as this instance knows).</summary>
    public Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var stale = _task is { IsCompletedSuccessfully: true } && _time.GetElapsedTime(Interlocked.Read(ref _createdAt)) > Recheck;
            if (_task is null || _task.IsFaulted || _task.IsCanceled || stale)
            {
                // Shared by all callers, so it must not observe one caller's token.
                _task = CreateAsync();
            }

            return _task.IsCompletedSuccessfully ? Task.CompletedTask : _task.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateAsync()
    {
        await create().ConfigureAwait(false);
        Interlocked.Exchange(ref _createdAt, _time.GetTimestamp());
    }
}
