using Serverless.Testing.WhatsAppSimulator.Graph;

namespace Serverless.Testing.WhatsAppSimulator.Faults;

/// <summary>
/// One injected Graph failure: the error to answer with, which edge it hits (null = any Graph route) and whether the
/// request is processed first (the action takes effect but the product sees the error, as when a response is lost).
/// A slow response (<see cref="ResponseDelay"/>, no error) is processed at once and answered late.
/// </summary>
public sealed record GraphFault(GraphError? Error, string? Edge = null, bool AfterProcessing = false)
{
    /// <summary>How long a processed request's response is held (simulated time); null for an error fault.</summary>
    public TimeSpan? ResponseDelay { get; init; }

    /// <summary>
    /// The request takes effect at once (its webhooks start), the response goes out <paramref name="delay"/> later
    /// (simulated time) or when <see cref="GraphFaults.ReleaseSlowResponses"/> is called: Meta's webhooks overtaking
    /// its own response.
    /// </summary>
    public static GraphFault SlowResponse(TimeSpan delay, string? edge = null) => new(null, edge) { ResponseDelay = delay };

    /// <summary>HTTP 503, code 2, on <paramref name="edge"/>.</summary>
    public static GraphFault ServiceUnavailable(string? edge = null, bool afterProcessing = false) =>
        new(GraphErrors.ServiceUnavailable(), edge, afterProcessing);

    /// <summary>HTTP 429, code 130429, on <paramref name="edge"/>.</summary>
    public static GraphFault RateLimited(string? edge = null) => new(GraphErrors.RateLimitHit(), edge);
}
