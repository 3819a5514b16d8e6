using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Amqp.Listener;
using Amqp.Types;

namespace Serverless.Testing.ServiceBusBroker;

/// <summary>
/// An in-memory broker that speaks enough of Azure Service Bus's AMQP profile for the real
/// <c>Azure.Messaging.ServiceBus</c> client: plain AMQP on 127.0.0.1 (the client's <c>UseDevelopmentEmulator=true</c>
/// mode), SASL ANONYMOUS + <c>$cbs</c> put-token, queues with peek-lock, lock tokens, complete / abandon /
/// dead-letter, max delivery count, scheduled enqueue, TTL, duplicate detection and the <c>$management</c>
/// operations listed in README.md. All state is owned by one loop; AMQP events are posted to it.
/// </summary>
public sealed partial class ServiceBusTestBroker : IAsyncDisposable
{
    /// <summary>Largest message the broker accepts (Service Bus Standard tier).</summary>
    public const int MaxMessageSize = 256 * 1024;

    private readonly TestBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ContainerHost _host;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly ITimer _timer;
    private readonly Dictionary<string, BrokerQueue> _queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ListenerLink> _responseLinks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Exception> _faults = new();

    private ServiceBusTestBroker(TestBrokerOptions options, int port)
    {
        _options = options;
        _time = options.Time;
        Port = port;
        _timer = _time.CreateTimer(_ => Post(() => { }), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _loop = Task.Run(RunLoopAsync);
        _host = new ContainerHost(new Address($"amqp://127.0.0.1:{port}"));
        var listener = _host.Listeners[0];
        listener.SASL.EnableAnonymousMechanism = true;
        listener.SASL.EnableMechanism((Symbol)CbsSaslProfile.Name, new CbsSaslProfile());
        listener.HandlerFactory = _ => new DeliveryTagHandler();
        _host.RegisterLinkProcessor(new LinkProcessor(this));
        _host.Open();
    }

    /// <summary>Starts a broker listening on 127.0.0.1.</summary>
    public static ServiceBusTestBroker Start(TestBrokerOptions? options = null)
    {
        options ??= new TestBrokerOptions();
        return new ServiceBusTestBroker(options, options.Port != 0 ? options.Port : FreePort());
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>
    /// A connection string for <c>ServiceBusClient</c>. The key is not checked (the broker trusts every token, as the
    /// emulator trusts its well-known key), but the client needs one to produce tokens.
    /// </summary>
    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=test-broker-key;UseDevelopmentEmulator=true";

    /// <summary>The settings queues get when created on first use.</summary>
    public QueueSettings QueueDefaults => _options.DefaultQueue;

    /// <summary>Errors raised while processing AMQP events (a test can assert there were none).</summary>
    public IReadOnlyCollection<Exception> Faults => _faults;

    /// <summary>Declares a queue with <paramref name="settings"/> (or the defaults), as Bicep declares them in Azure.</summary>
    public Task CreateQueueAsync(string name, QueueSettings? settings = null) =>
        InvokeAsync(() => GetOrCreateQueue(name, settings ?? _options.DefaultQueue, create: true));

    /// <summary>
    /// Messages the queue holds that are not completed or dead-lettered: available, locked and scheduled ones
    /// (what the Service Bus portal shows as active + scheduled).
    /// </summary>
    public Task<int> MessageCountAsync(string queue) =>
        InvokeAsync(() => _queues.TryGetValue(queue, out var q) ? q.Messages.Count : 0);

    /// <summary>When the currently held locks on the queue's messages expire (one entry per locked message).</summary>
    public Task<IReadOnlyList<DateTimeOffset>> LockedUntilAsync(string queue) =>
        InvokeAsync<IReadOnlyList<DateTimeOffset>>(() =>
        {
            var now = _time.GetUtcNow();
            return _queues.TryGetValue(queue, out var q) ? [.. q.Messages.Where(m => m.IsLocked(now)).Select(m => m.LockedUntil)] : [];
        });

    /// <summary>Messages in the queue's dead-letter sub-queue.</summary>
    public Task<int> DeadLetterCountAsync(string queue) =>
        InvokeAsync(() => _queues.TryGetValue(queue, out var q) && q.DeadLetter is { } dlq ? dlq.Messages.Count : 0);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _host.Close();
        _work.Writer.TryComplete();
        await _loop;
        await _timer.DisposeAsync();
    }

    internal void Post(Action action) => _work.Writer.TryWrite(action);

    /// <summary>
    /// SERVICEBUS_TEST_BROKER_TRACE=file appends every flow, delivery and settlement to that file (for chasing what
    /// the client does; the test host swallows console output).
    /// </summary>
    private static readonly string? TraceFile = Environment.GetEnvironmentVariable("SERVICEBUS_TEST_BROKER_TRACE");

    private static readonly Lock TraceLock = new();

    internal static void Trace(string what)
    {
        if (TraceFile is { Length: > 0 } file)
        {
            lock (TraceLock)
            {
                File.AppendAllText(file, $"[broker {DateTime.UtcNow:HH:mm:ss.fff}] {what}{Environment.NewLine}");
            }
        }
    }

    private Task<T> InvokeAsync<T>(Func<T> func)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => done.SetResult(func()));
        return done.Task;
    }

    private async Task RunLoopAsync()
    {
        await foreach (var action in _work.Reader.ReadAllAsync())
        {
            try
            {
                action();
                // After every event: release expired locks, expire messages, feed receivers, re-arm the timer.
                Housekeep();
            }
            catch (Exception ex)
            {
                _faults.Enqueue(ex);
                Console.Error.WriteLine($"ServiceBusTestBroker: {ex}");
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private BrokerQueue? GetOrCreateQueue(string name, QueueSettings settings, bool create)
    {
        if (_queues.TryGetValue(name, out var queue))
        {
            return queue;
        }

        if (!create)
        {
            return null;
        }

        queue = new BrokerQueue(name, settings);
        queue.DeadLetter = new BrokerQueue(name + AmqpNames.DeadLetterSuffix, settings with { DefaultMessageTimeToLive = TimeSpan.MaxValue }, queue);
        _queues[name] = queue;
        return queue;
    }

    // ---- link attach ------------------------------------------------------------------------------------------------

    private void Attach(AttachContext context)
    {
        var link = context.Link;
        var attach = context.Attach;
        // Link.Role is ours: true = we receive (the client sends), false = we send.
        var address = EntityPath(link.Role ? (attach.Target as Target)?.Address : (attach.Source as Source)?.Address);
        if (string.IsNullOrEmpty(address))
        {
            context.Complete(new Error(ErrorCode.InvalidField) { Description = "The link has no address." });
            return;
        }

        if (address == AmqpNames.Cbs || address.EndsWith(AmqpNames.ManagementSuffix, StringComparison.OrdinalIgnoreCase))
        {
            BrokerQueue? queue = null;
            if (address != AmqpNames.Cbs)
            {
                queue = ResolveQueue(address[..^AmqpNames.ManagementSuffix.Length]);
                if (queue is null)
                {
                    context.Complete(NotFound(address));
                    return;
                }
            }

            if (link.Role)
            {
                context.Complete(new RequestEndpoint(this, queue), 100);
            }
            else
            {
                var replyTo = (attach.Target as Target)?.Address ?? string.Empty;
                _responseLinks[replyTo] = link;
                context.Complete(new ResponseEndpoint(this, replyTo), 0);
            }

            return;
        }

        var deadLetter = address.EndsWith(AmqpNames.DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);
        var entity = ResolveQueue(deadLetter ? address[..^AmqpNames.DeadLetterSuffix.Length] : address);
        if (entity is null)
        {
            context.Complete(NotFound(address));
            return;
        }

        if (deadLetter)
        {
            entity = entity.DeadLetter!;
        }

        if (link.Role)
        {
            if (deadLetter)
            {
                context.Complete(new Error(ErrorCode.NotAllowed) { Description = "Sending to a dead-letter queue is not allowed." });
                return;
            }

            context.Complete(new IncomingEndpoint(this, entity), 100);
            return;
        }

        var receiver = new OutgoingEndpoint(this, entity, link);
        entity.Receivers.Add(receiver);
        context.Complete(receiver, 0);
    }

    /// <summary>The client addresses entities as "/queue" (or a full URI); the entity path is the part after the host.</summary>
    private static string? EntityPath(string? address)
    {
        if (address is null)
        {
            return null;
        }

        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" or "sb")
        {
            address = Uri.UnescapeDataString(uri.AbsolutePath);
        }

        return address.TrimStart('/');
    }

    private BrokerQueue? ResolveQueue(string name) => GetOrCreateQueue(name, _options.DefaultQueue, _options.AutoCreateQueues);

    private static Error NotFound(string address) =>
        new(AmqpNames.NotFoundCondition) { Description = $"The messaging entity '{address}' could not be found." };

    internal void RemoveResponseLink(string replyTo, ListenerLink link)
    {
        if (_responseLinks.TryGetValue(replyTo, out var current) && current == link)
        {
            _responseLinks.Remove(replyTo);
        }
    }

    // ---- send -------------------------------------------------------------------------------------------------------

    internal void Accept(BrokerQueue queue, MessageContext context)
    {
        var message = context.Message;
        if (message.Format == AmqpNames.BatchFormat)
        {
            // A batch (ServiceBusMessageBatch): every data section carries one encoded message.
            foreach (var part in DataSections(message))
            {
                Enqueue(queue, part);
            }
        }
        else
        {
            Enqueue(queue, Bytes(message.Encode()));
        }

        context.Complete();
    }

    private static IEnumerable<byte[]> DataSections(Message batch) => batch.BodySection switch
    {
        Data data => [data.Binary],
        DataList list => Enumerable.Range(0, list.Count).Select(i => list[i].Binary),
        _ => throw new AmqpException(ErrorCode.DecodeError, "A batch message must carry its messages as data sections."),
    };

    private static byte[] Bytes(ByteBuffer buffer) => buffer.Buffer.AsSpan(buffer.Offset, buffer.Length).ToArray();

    internal static Message Decode(byte[] encoded) => Message.Decode(new ByteBuffer(encoded, 0, encoded.Length, encoded.Length));

    /// <summary>Stores one encoded message; returns its sequence number, or null when dropped as a duplicate.</summary>
    internal long? Enqueue(BrokerQueue queue, byte[] encoded)
    {
        var now = _time.GetUtcNow();
        var message = Decode(encoded);
        var messageId = message.Properties?.GetMessageId()?.ToString();
        if (queue.Settings.DuplicateDetectionHistoryTimeWindow is { } window && messageId is not null)
        {
            if (queue.RecentMessageIds.TryGetValue(messageId, out var seen) && now - seen < window)
            {
                return null;
            }

            queue.RecentMessageIds[messageId] = now;
        }

        var enqueuedAt = now;
        if (message.MessageAnnotations?[AmqpNames.ScheduledEnqueueTime] is DateTime scheduled && scheduled > now.UtcDateTime)
        {
            enqueuedAt = new DateTimeOffset(DateTime.SpecifyKind(scheduled, DateTimeKind.Utc));
        }

        var ttl = queue.Settings.DefaultMessageTimeToLive;
        if (message.Header is { Ttl: > 0 } header && TimeSpan.FromMilliseconds(header.Ttl) < ttl)
        {
            ttl = TimeSpan.FromMilliseconds(header.Ttl);
        }

        var stored = new StoredMessage
        {
            SequenceNumber = queue.NextSequenceNumber(),
            Encoded = encoded,
            MessageId = messageId,
            EnqueuedAt = enqueuedAt,
            ExpiresAt = ttl == TimeSpan.MaxValue || DateTimeOffset.MaxValue - enqueuedAt <= ttl ? DateTimeOffset.MaxValue : enqueuedAt + ttl,
        };
        queue.Messages.Add(stored);
        return stored.SequenceNumber;
    }

    // ---- receive and settle -----------------------------------------------------------------------------------------

    private void Housekeep()
    {
        var now = _time.GetUtcNow();
        var next = DateTimeOffset.MaxValue;
        foreach (var queue in _queues.Values.ToList())
        {
            foreach (var entity in new[] { queue, queue.DeadLetter! })
            {
                ExpireAndUnlock(entity, now);
                Pump(entity, now);
                foreach (var m in entity.Messages)
                {
                    var due = m.IsLocked(now) ? m.LockedUntil : m.EnqueuedAt > now ? m.EnqueuedAt : m.ExpiresAt;
                    if (due < next)
                    {
                        next = due;
                    }
                }
            }
        }

        foreach (var queue in _queues.Values)
        {
            if (queue.Settings.DuplicateDetectionHistoryTimeWindow is { } window)
            {
                foreach (var stale in queue.RecentMessageIds.Where(p => now - p.Value >= window).Select(p => p.Key).ToList())
                {
                    queue.RecentMessageIds.Remove(stale);
                }
            }
        }

        _timer.Change(next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : Max(next - now, TimeSpan.Zero), Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void ExpireAndUnlock(BrokerQueue queue, DateTimeOffset now)
    {
        foreach (var m in queue.Messages.ToList())
        {
            if (m.LockToken is not null && m.LockedUntil <= now)
            {
                // Lock expired: the delivery failed; the message is available again (or dead-lettered).
                m.LockToken = null;
                FailDelivery(queue, m);
            }
            else if (m.LockToken is null && m.ExpiresAt <= now && queue.Messages.Contains(m))
            {
                queue.Messages.Remove(m);
                if (queue.Settings.DeadLetteringOnMessageExpiration && queue.DeadLetter is { } dlq)
                {
                    MoveToDeadLetter(queue, dlq, m, "TTLExpiredException", "The message expired and was dead lettered.");
                }
            }
        }
    }

    private static void FailDelivery(BrokerQueue queue, StoredMessage message)
    {
        message.FailedDeliveries++;
        if (message.FailedDeliveries >= queue.Settings.MaxDeliveryCount && queue.DeadLetter is { } dlq)
        {
            queue.Messages.Remove(message);
            MoveToDeadLetter(queue, dlq, message, "MaxDeliveryCountExceeded",
                $"Message could not be consumed after {queue.Settings.MaxDeliveryCount} delivery attempts.");
        }
    }

    private static void MoveToDeadLetter(BrokerQueue queue, BrokerQueue dlq, StoredMessage message, string reason, string? description)
    {
        dlq.Messages.Add(new StoredMessage
        {
            SequenceNumber = message.SequenceNumber,
            Encoded = message.Encoded,
            MessageId = message.MessageId,
            EnqueuedAt = message.EnqueuedAt,
            ExpiresAt = DateTimeOffset.MaxValue,
            FailedDeliveries = message.FailedDeliveries,
            DeadLetterReason = reason,
            DeadLetterDescription = description,
            DeadLetterSource = queue.Name,
        });
    }

    private static void Pump(BrokerQueue queue, DateTimeOffset now)
    {
        foreach (var receiver in queue.Receivers.ToList())
        {
            if (receiver.IsClosed)
            {
                queue.Receivers.Remove(receiver);
                continue;
            }

            while (queue.NextAvailable(now) is { } next)
            {
                // The credit check and the send under the link's lock, so a flow cannot take the credit in between.
                lock (receiver.SyncRoot)
                {
                    if (receiver.Credit <= 0)
                    {
                        break;
                    }

                    Deliver(receiver, next, now);
                }
            }

            if (receiver.DrainRequested)
            {
                // Nothing more to give for the remaining credit: hand it back (the client waits for this answer).
                receiver.DrainRequested = false;
                receiver.Link.CompleteDrain();
            }
        }
    }

    private static void Deliver(OutgoingEndpoint receiver, StoredMessage stored, DateTimeOffset now)
    {
        var lockToken = Guid.NewGuid();
        var lockedUntil = now + receiver.Queue.Settings.LockDuration;
        var message = Decode(stored.Encoded);
        message.Header ??= new Header();
        message.Header.DeliveryCount = (uint)stored.FailedDeliveries;
        message.MessageAnnotations ??= new MessageAnnotations();
        message.MessageAnnotations[AmqpNames.SequenceNumber] = stored.SequenceNumber;
        message.MessageAnnotations[AmqpNames.EnqueueSequenceNumber] = stored.SequenceNumber;
        message.MessageAnnotations[AmqpNames.EnqueuedTime] = stored.EnqueuedAt.UtcDateTime;
        if (stored.DeadLetterSource is { } source)
        {
            message.MessageAnnotations[AmqpNames.DeadLetterSource] = source;
            message.ApplicationProperties ??= new ApplicationProperties();
            message.ApplicationProperties[AmqpNames.DeadLetterReason] = stored.DeadLetterReason;
            message.ApplicationProperties[AmqpNames.DeadLetterErrorDescription] = stored.DeadLetterDescription;
        }

        Trace($"deliver {receiver.Queue.Name} seq={stored.SequenceNumber} count={stored.FailedDeliveries} credit-left={receiver.Credit}");
        if (receiver.Link.SettleOnSend)
        {
            // Receive-and-delete: the message is gone once sent.
            receiver.Queue.Messages.Remove(stored);
            receiver.Link.SendMessage(message);
            return;
        }

        stored.LockToken = lockToken;
        stored.LockedUntil = lockedUntil;
        message.MessageAnnotations[AmqpNames.LockToken] = lockToken;
        message.MessageAnnotations[AmqpNames.LockedUntil] = lockedUntil.UtcDateTime;
        receiver.Link.SendMessage(message);
    }

    internal void Settle(OutgoingEndpoint receiver, DispositionContext context)
    {
        var state = context.DeliveryState;
        if (context.Settled && state is Released && receiver.IsClosed)
        {
            // The link closed with the delivery unsettled: as in Service Bus, the lock holds until it expires.
            return;
        }

        var outcome = Settle(receiver.Queue, LockTokenOf(context.Message), state);
        Trace($"settle {receiver.Queue.Name} {state} settled={context.Settled} -> {outcome}");
        if (!context.Settled)
        {
            receiver.Link.DisposeMessage(context.Message, outcome, true);
        }
    }

    private static Guid? LockTokenOf(Message message) => message.MessageAnnotations?[AmqpNames.LockToken] as Guid?;

    /// <summary>Applies a client's outcome to the locked message; returns the outcome to confirm (or lock lost).</summary>
    internal DeliveryState Settle(BrokerQueue queue, Guid? lockToken, DeliveryState state)
    {
        var now = _time.GetUtcNow();
        var message = lockToken is { } token ? queue.FindLocked(token) : null;
        if (message is null || !message.IsLocked(now))
        {
            return LockLost();
        }

        switch (state)
        {
            case Accepted:
                queue.Messages.Remove(message);
                break;
            case Rejected { Error: { } error } when AmqpNames.Is(error.Condition, AmqpNames.DeadLetterCondition):
                queue.Messages.Remove(message);
                MoveToDeadLetter(queue, queue.DeadLetter ?? queue, message,
                    error.Info?[(Symbol)AmqpNames.DeadLetterReason] as string ?? "DeadLetteredByReceiver",
                    error.Info?[(Symbol)AmqpNames.DeadLetterErrorDescription] as string);
                // The client reads any rejected confirmation as a failure: the dead-lettering itself succeeded.
                return new Accepted();
            case Modified { UndeliverableHere: true }:
                return new Rejected { Error = new Error(ErrorCode.NotImplemented) { Description = "Defer is not supported by the test broker." } };
            case Modified or Rejected:
                message.LockToken = null;
                FailDelivery(queue, message);
                break;
            case Released:
                message.LockToken = null;
                break;
            default:
                return new Rejected { Error = new Error(ErrorCode.NotImplemented) { Description = $"Outcome {state} is not supported." } };
        }

        return state;
    }

    internal static Rejected LockLost() => new()
    {
        Error = new Error(AmqpNames.LockLostCondition)
        {
            Description = "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        },
    };

    /// <summary>Sets each outgoing delivery's tag to the message's lock token, the way Service Bus identifies deliveries.</summary>
    private sealed class DeliveryTagHandler : IHandler
    {
        public bool CanHandle(EventId id) => id is EventId.SendDelivery or EventId.LinkLocalOpen;

        public void Handle(Event protocolEvent)
        {
            if (protocolEvent.Id == EventId.SendDelivery
                && protocolEvent.Context is IDelivery delivery
                && delivery.Message?.MessageAnnotations?[AmqpNames.LockToken] is Guid lockToken)
            {
                delivery.Tag = lockToken.ToByteArray();
            }
            else if (protocolEvent.Id == EventId.LinkLocalOpen && protocolEvent.Context is Attach attach)
            {
                // The client sizes messages and batches by the limit announced here (it would echo its own: unlimited).
                attach.MaxMessageSize = MaxMessageSize;
            }
        }
    }

    private sealed class LinkProcessor(ServiceBusTestBroker broker) : ILinkProcessor
    {
        public void Process(AttachContext attachContext) => broker.Post(() => broker.Attach(attachContext));
    }
}
