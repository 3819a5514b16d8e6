using System.Collections.Concurrent;

namespace Serverless.MediaNode.Sessions;

/// <summary>
/// The node's calls keyed by call id: enforces <c>MaxCalls</c>, refuses new calls while draining, and remembers
/// recently ended calls so a redelivered start command cannot revive a call that was hung up.
/// </summary>
public sealed class SessionRegistry
{
    private static readonly TimeSpan EndedMemory = TimeSpan.FromHours(1);
    private const int MaxEndedRemembered = 100_000;

    private readonly ConcurrentDictionary<string, CallSession> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);
    private readonly Lock _admission = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource _emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drainStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _draining;

    /// <summary>Creates a registry admitting at most <paramref name="maxCalls"/> concurrent calls.</summary>
    public SessionRegistry(int maxCalls, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCalls, 1);
        ArgumentNullException.ThrowIfNull(time);
        MaxCalls = maxCalls;
        _time = time;
        _emptied.TrySetResult();
    }

    /// <summary>Most concurrent calls.</summary>
    public int MaxCalls { get; }

    /// <summary>Calls with a live session.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>True once shutdown began: no new calls are admitted.</summary>
    public bool IsDraining => _draining;

    /// <summary>Calls that could still be admitted now (0 while draining).</summary>
    public int FreeCapacity => _draining ? 0 : Math.Max(0, MaxCalls - _active.Count);

    /// <summary>The live session of <paramref name="callId"/>, if any.</summary>
    public CallSession? Find(string callId) => _active.TryGetValue(callId, out var session) ? session : null;

    /// <summary>Whether <paramref name="callId"/> ended on this node recently.</summary>
    public bool HasEnded(string callId) => _ended.ContainsKey(callId);

    /// <summary>Snapshot of the live sessions.</summary>
    public IReadOnlyList<CallSession> Snapshot() => [.. _active.Values];

    /// <summary>
    /// Raised (outside the registry's lock) when the node takes a call, fills up, gets room again or starts draining: the
    /// heartbeat writes its row at once, so the Functions' view of free capacity is not an interval old at exactly those
    /// moments, and the peers' placement (<c>NewCallShare</c>) never compares against a row that misses calls just taken.
    /// </summary>
    public event Action? RoomChanged;

    /// <summary>Completes when draining begins.</summary>
    public Task DrainStarted => _drainStarted.Task;

    /// <summary>Stops admitting new calls.</summary>
    public void BeginDrain()
    {
        _draining = true;
        if (_drainStarted.TrySetResult())
        {
            RoomChanged?.Invoke();
        }
    }

    /// <summary>Decides about a new call: an existing session, a refusal, or a new session made by <paramref name="create"/>.</summary>
    public Admission Admit(string callId, Func<CallSession> create, out CallSession? session)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_admission)
        {
            if (_active.TryGetValue(callId, out session))
            {
                return Admission.Existing;
            }

            if (_ended.ContainsKey(callId))
            {
                return Admission.AlreadyEnded;
            }

            if (_draining || _active.Count >= MaxCalls)
            {
                return Admission.Full;
            }

            session = create();
            if (_active.IsEmpty)
            {
                _emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _active[callId] = session;
        }

        RoomChanged?.Invoke();
        return Admission.Created;
    }

    /// <summary>Forgets a session that ended, remembering its id.</summary>
    public void Remove(CallSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        bool freed;
        lock (_admission)
        {
            if (!_active.TryRemove(new KeyValuePair<string, CallSession>(session.CallId, session)))
            {
                return;
            }

            Remember(session.CallId);
            freed = !_draining && _active.Count == MaxCalls - 1;
            if (_active.IsEmpty)
            {
                _emptied.TrySetResult();
            }
        }

        if (freed)
        {
            RoomChanged?.Invoke();
        }
    }

    /// <summary>
    /// Remembers <paramref name="callId"/> as ended without ever having run here (a Hangup that overtook its start),
    /// so the late start does not open a call nobody will hang up. No effect on a live call.
    /// </summary>
    public void MarkEnded(string callId)
    {
        lock (_admission)
        {
            if (!_active.ContainsKey(callId))
            {
                Remember(callId);
            }
        }
    }

    /// <summary>Completes when no call is active.</summary>
    public Task WaitUntilEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_admission)
        {
            return _emptied.Task.WaitAsync(cancellationToken);
        }
    }

    private void Remember(string callId)
    {
        var now = _time.GetUtcNow();
        if (_ended.Count >= MaxEndedRemembered)
        {
            foreach (var (id, at) in _ended)
            {
                if (now - at > EndedMemory)
                {
                    _ended.TryRemove(id, out _);
                }
            }
        }

        _ended[callId] = now;
    }
}

/// <summary>What <see cref="SessionRegistry.Admit"/> decided.</summary>
public enum Admission
{
    /// <summary>A new session was created.</summary>
    Created,

    /// <summary>The call already has a session (a redelivered or re-sent start command).</summary>
    Existing,

    /// <summary>The call already ended here; the start command is stale.</summary>
    AlreadyEnded,

    /// <summary>At capacity or draining.</summary>
    Full,
}
