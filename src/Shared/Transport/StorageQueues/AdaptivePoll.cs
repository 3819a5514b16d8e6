namespace Serverless.Shared.Transport.StorageQueues;

/// <summary>
/// How long a Storage Queues receiver waits after an empty round. Storage Queues cannot long-poll, so a fixed 1 s
/// poll puts up to a second between an inbound webhook and the node's answer (744 ms p50 measured). The wait stays
/// at <see cref="MediaTransportOptions.ActivePollInterval"/> from start and for
/// <see cref="MediaTransportOptions.ActivePollWindow"/> after the last message (a call's commands come in bursts:
/// start, then play/hang-up), then doubles per empty round up to <see cref="MediaTransportOptions.PollInterval"/>,
/// so an idle node costs about one transaction per queue per PollInterval.
/// </summary>
internal sealed class AdaptivePoll
{
    private readonly TimeSpan _active;
    private readonly TimeSpan _idle;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset _lastMessage;
    private TimeSpan _current;

    public AdaptivePoll(MediaTransportOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _idle = options.PollInterval;
        _active = options.ActivePollInterval < _idle ? options.ActivePollInterval : _idle;
        _window = options.ActivePollWindow;
        _time = time;
        _lastMessage = time.GetUtcNow();
        _current = _active;
    }

    /// <summary>Notes a round's result; messages reset the wait to the active interval.</summary>
    public void Received(int messages)
    {
        if (messages > 0)
        {
            lock (_gate)
            {
                _lastMessage = _time.GetUtcNow();
                _current = _active;
            }
        }
    }

    /// <summary>The wait before the next round after an empty one.</summary>
    public TimeSpan NextWait()
    {
        lock (_gate)
        {
            if (_time.GetUtcNow() - _lastMessage < _window)
            {
                return _active;
            }

            var wait = _current;
            _current = _current * 2 < _idle ? _current * 2 : _idle;
            return wait;
        }
    }
}
