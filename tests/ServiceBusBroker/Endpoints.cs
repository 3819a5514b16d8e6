using Amqp.Listener;

namespace Serverless.Testing.ServiceBusBroker;

// The endpoints only hand events to the broker's single loop: all state lives there, so AMQPNetLite's I/O
// threads never take a broker lock and broker code never runs inside an AMQPNetLite lock.

/// <summary>A client's sender link into a queue.</summary>
internal sealed class IncomingEndpoint(ServiceBusTestBroker broker, BrokerQueue queue) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext) => broker.Post(() => broker.Accept(queue, messageContext));

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }
}

/// <summary>A client's receiver link on a queue or dead-letter sub-queue: peek-lock (or receive-and-delete) deliveries.</summary>
internal sealed class OutgoingEndpoint : LinkEndpoint
{
    private readonly ServiceBusTestBroker broker;
    private volatile bool _closed;

    public OutgoingEndpoint(ServiceBusTestBroker broker, BrokerQueue queue, ListenerLink link)
    {
        this.broker = broker;
        Queue = queue;
        Link = link;
        // Raised before the library releases the link's unsettled deliveries, so those can be told apart.
        link.Closed += (_, _) => _closed = true;
    }

    public bool IsClosed => _closed;

    public BrokerQueue Queue { get; }

    public ListenerLink Link { get; }

    /// <summary>
    /// Messages the client has asked for and not yet been sent: the link's own count, which it keeps from the flow
    /// frames and lowers on every send. (Its flow callbacks are no substitute: they also fire without a new grant, and
    /// the client closes the link on a transfer beyond its credit.) The library does not expose it, hence reflection.
    /// </summary>
    public int Credit => (int)(uint)CreditField.GetValue(Link)!;

    /// <summary>
    /// The link's own lock, under which AMQPNetLite applies a received flow to <see cref="Credit"/> and takes credit for
    /// a send. A check of the credit and the send that relies on it must both hold it: a drain flow (the client's receive
    /// ran out of time) sets the credit to 0 on the I/O thread, and a send slipping in between would go out beyond the
    /// credit (the link's count wraps to 2^32 - 1 and its next delivery count and drain answer are wrong). The library
    /// itself takes this lock before the session's, as when it restores credit on a disposition; so do we.
    /// </summary>
    public object SyncRoot => ThisLockProperty.GetValue(Link)!;

    private static readonly System.Reflection.PropertyInfo ThisLockProperty =
        typeof(Amqp.Link).GetProperty("ThisLock", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
        ?? throw new InvalidOperationException("AMQPNetLite's Link has no ThisLock property; check the package version.");

    private static readonly System.Reflection.FieldInfo CreditField =
        typeof(ListenerLink).GetField("credit", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
        ?? throw new InvalidOperationException("AMQPNetLite's ListenerLink has no credit field; check the package version.");

    /// <summary>The client asked to be told when no more messages are available for its credit.</summary>
    public bool DrainRequested { get; set; }

    public override void OnFlow(FlowContext flowContext)
    {
        var delta = flowContext.Messages;
        // Read now: the flag belongs to this flow, and a later event must not answer a drain it did not ask for.
        var drain = flowContext.Link.IsDraining;
        broker.Post(() =>
        {
            DrainRequested |= drain;
            ServiceBusTestBroker.Trace($"flow {Queue.Name} delta={delta} drain={drain} credit={Credit}");
        });
    }

    public override void OnDisposition(DispositionContext dispositionContext) =>
        broker.Post(() => broker.Settle(this, dispositionContext));

    public override void OnLinkClosed(ListenerLink link, Amqp.Framing.Error error) =>
        broker.Post(() => Queue.Receivers.Remove(this));
}

/// <summary>A client's request link to <c>$cbs</c> or <c>{queue}/$management</c>.</summary>
internal sealed class RequestEndpoint(ServiceBusTestBroker broker, BrokerQueue? queue) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext) => broker.Post(() => broker.HandleRequest(queue, messageContext));

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }
}

/// <summary>A client's response link, found by its target address (the requests' reply-to).</summary>
internal sealed class ResponseEndpoint(ServiceBusTestBroker broker, string replyTo) : LinkEndpoint
{
    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
        if (!dispositionContext.Settled)
        {
            dispositionContext.Link.DisposeMessage(dispositionContext.Message, dispositionContext.DeliveryState, true);
        }
    }

    public override void OnLinkClosed(ListenerLink link, Amqp.Framing.Error error) => broker.Post(() => broker.RemoveResponseLink(replyTo, link));
}
