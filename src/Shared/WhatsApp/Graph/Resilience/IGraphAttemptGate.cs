namespace Serverless.Shared.WhatsApp.Graph.Resilience;

/// <summary>
/// A hook on every HTTP attempt of the Graph client, retries included: it runs below the resilience pipeline, so a
/// per-second limit held here holds for the requests the pipeline repeats too. Register implementations as
/// singletons; the client calls every registered gate.
/// </summary>
public interface IGraphAttemptGate
{
    /// <summary>Waits until an attempt of <paramref name="action"/> may go out.</summary>
    ValueTask EnterAsync(GraphAction action, CancellationToken cancellationToken);

    /// <summary>Sees the attempt's response (for example to back off after Meta's rate limit).</summary>
    void OnResponse(GraphAction action, HttpResponseMessage response);
}

/// <summary>Runs the registered <see cref="IGraphAttemptGate"/>s around each attempt.</summary>
internal sealed class GraphAttemptGateHandler(IEnumerable<IGraphAttemptGate> gates) : DelegatingHandler
{
    private readonly IGraphAttemptGate[] _gates = [.. gates];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var action = request.GetGraphAction();
        foreach (var gate in _gates)
        {
            await gate.EnterAsync(action, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var gate in _gates)
        {
            gate.OnResponse(action, response);
        }

        return response;
    }
}
