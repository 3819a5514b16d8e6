using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Serverless.Shared.Transport.InMemory;

/// <summary>
/// Process-local queues with the semantics of the real brokers: a message is delivered again after an abandon
/// (with its delivery count raised), a requeue starts a fresh copy, and dead-lettered messages stay readable in
/// the queue's poison list. Delays run on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryCommandBus : IDisposable
{
    private readonly ConcurrentDictionary<string, Channel<InMemoryMessage>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DeadLetteredMessage>> _poison = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ITimer, byte> _pendingTimers = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty bus.</summary>
    public InMemoryCommandBus(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Messages ready for delivery on <paramref name="queue"/> (delayed ones not yet included).</summary>
    public int CountReady(string queue) => Queue(queue).Reader.Count;

    /// <summary>Messages dead-lettered from <paramref name="queue"/>, oldest first.</summary>
    public IReadOnlyList<DeadLetteredMessage> DeadLettered(string queue) =>
        _poison.TryGetValue(queue, out var list) ? [.. list] : [];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var timer in _pendingTimers.Keys)
        {
            timer.Dispose();
        }

        _pendingTimers.Clear();
    }

    internal ChannelReader<InMemoryMessage> Reader(string queue) => Queue(queue).Reader;

    internal void Enqueue(string queue, InMemoryMessage message, TimeSpan delay)
    {
        var writer = Queue(queue).Writer;
        if (delay <= TimeSpan.Zero)
        {
            writer.TryWrite(message);
            return;
        }

        // The timer fires once; it removes and disposes itself. The box lets the callback see its own timer.
        var box = new StrongBox<ITimer?>();
        var timer = _time.CreateTimer(
            _ =>
            {
                writer.TryWrite(message);
                if (box.Value is { } self && _pendingTimers.TryRemove(self, out byte _))
                {
                    self.Dispose();
                }
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
        box.Value = timer;
        _pendingTimers[timer] = 0;
    }

    internal void DeadLetter(string queue, InMemoryMessage message, DeadLetterReason reason, string detail) =>
        _poison.GetOrAdd(queue, _ => new ConcurrentQueue<DeadLetteredMessage>())
            .Enqueue(new DeadLetteredMessage(message.Body, reason, detail, message.DeliveryCount));

    private Channel<InMemoryMessage> Queue(string queue) =>
        _queues.GetOrAdd(queue, _ => Channel.CreateUnbounded<InMemoryMessage>());
}

/// <summary>A message in an in-memory queue: the body and how often it was delivered before.</summary>
internal sealed record InMemoryMessage(ReadOnlyMemory<byte> Body, int DeliveryCount);

/// <summary>A message moved aside, with the reason, kept for inspection.</summary>
/// <param name="Body">The unchanged body.</param>
/// <param name="Reason">Why it was moved.</param>
/// <param name="Detail">Error detail.</param>
/// <param name="DeliveryCount">Deliveries it had.</param>
public sealed record DeadLetteredMessage(ReadOnlyMemory<byte> Body, DeadLetterReason Reason, string Detail, int DeliveryCount);
