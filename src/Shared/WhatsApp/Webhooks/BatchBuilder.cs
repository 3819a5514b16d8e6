namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Collects events and notes in document order and enforces <see cref="WebhookParserLimits.MaxItems"/>.</summary>
internal sealed class BatchBuilder(int maxItems)
{
    private readonly List<WebhookEvent> _events = [];
    private readonly List<SkippedItem> _skipped = [];
    private readonly List<IgnoredItem> _ignored = [];

    /// <summary>True once an item was refused for the cap: parsers stop walking and the whole body is refused.</summary>
    public bool Overflowed { get; private set; }

    public void Add(WebhookEvent webhookEvent)
    {
        if (Admit())
        {
            _events.Add(webhookEvent);
        }
    }

    public void Skip(string path, SkipReason reason, string detail)
    {
        if (Admit())
        {
            _skipped.Add(new SkippedItem(path, reason, detail));
        }
    }

    public void Ignore(string path, IgnoreReason reason, string detail)
    {
        if (Admit())
        {
            _ignored.Add(new IgnoredItem(path, reason, detail));
        }
    }

    public WebhookBatch Build(string objectName) =>
        new(objectName, _events.AsReadOnly(), _skipped.AsReadOnly(), _ignored.AsReadOnly());

    private bool Admit()
    {
        if (_events.Count + _skipped.Count + _ignored.Count >= maxItems)
        {
            Overflowed = true;
            return false;
        }

        return true;
    }
}
