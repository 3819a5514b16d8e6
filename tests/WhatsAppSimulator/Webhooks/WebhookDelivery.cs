using System.Text;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>One signed webhook body and every attempt to deliver it.</summary>
public sealed class WebhookDelivery
{
    private readonly object _gate = new();
    private readonly List<WebhookAttempt> _attempts = [];

    internal WebhookDelivery(string id, IReadOnlyList<WebhookChange> changes, byte[] body, string signature, DateTimeOffset createdAt)
    {
        Id = id;
        Changes = changes;
        Body = body;
        Signature = signature;
        CreatedAt = createdAt;
    }

    /// <summary>Simulator-local id (<c>d1</c>, <c>d2</c>, …) for the redelivery hook.</summary>
    public string Id { get; }

    /// <summary>The changes batched in this body.</summary>
    public IReadOnlyList<WebhookChange> Changes { get; }

    /// <summary>The exact bytes POSTed (and signed).</summary>
    public byte[] Body { get; }

    /// <summary>The body as text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The <c>X-Hub-Signature-256</c> value sent.</summary>
    public string Signature { get; }

    /// <summary>Simulated time the delivery was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Current state.</summary>
    public WebhookDeliveryState State { get; internal set; } = WebhookDeliveryState.Sending;

    /// <summary>Attempts so far, oldest first.</summary>
    public IReadOnlyList<WebhookAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    internal void AddAttempt(WebhookAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
        }
    }
}
