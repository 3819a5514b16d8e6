namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>Sits below the resilience handler and counts attempts that reach the real network handler.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return base.SendAsync(request, cancellationToken);
    }
}
