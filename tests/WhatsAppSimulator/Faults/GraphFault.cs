using Serverless.Testing.WhatsAppSimulator.Graph;

namespace Serverless.Testing.WhatsAppSimulator.Faults;

/// <summary>
/// One injected Graph failure: the error to answer with, which edge it hits (null = any Graph route) and whether the
/// request is processed first (the action takes effect but the product sees the error, as when a response is lost).
/// </summary>
public sealed record GraphFault(GraphError Error, string? Edge = null, bool AfterProcessing = false)
{
    /// <summary>HTTP 503, code 2, on <paramref name="edge"/>.</summary>
    public static GraphFault ServiceUnavailable(string? edge = null, bool afterProcessing = false) =>
        new(GraphErrors.ServiceUnavailable(), edge, afterProcessing);

    /// <summary>HTTP 429, code 130429, on <paramref name="edge"/>.</summary>
    public static GraphFault RateLimited(string? edge = null) => new(GraphErrors.RateLimitHit(), edge);
}
