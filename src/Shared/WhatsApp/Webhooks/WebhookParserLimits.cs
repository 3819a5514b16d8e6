namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Caps that keep a hostile or broken body from costing more than a real one.</summary>
public sealed record WebhookParserLimits
{
    private readonly int _maxBodyBytes = 4 * 1024 * 1024;
    private readonly int _maxDepth = 32;
    private readonly int _maxItems = 10_000;

    /// <summary>The caps used when none are given.</summary>
    public static WebhookParserLimits Default { get; } = new();

    /// <summary>Largest body accepted. Meta documents webhook payloads of up to 3 MB; the default leaves headroom.</summary>
    public int MaxBodyBytes
    {
        get => _maxBodyBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxBodyBytes = value;
        }
    }

    /// <summary>Deepest nesting of objects and arrays. Real payloads nest about nine levels.</summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxDepth = value;
        }
    }

    /// <summary>Most events, skipped items and ignored items one body may produce in total.</summary>
    public int MaxItems
    {
        get => _maxItems;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxItems = value;
        }
    }
}
