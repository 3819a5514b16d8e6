using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Serverless.Shared.Tests.WhatsApp.Graph.Support;

/// <summary>
/// The network edge for resilience tests: answers each attempt with the next scripted step (the last
/// step repeats) and records what was sent. Each arrival is signalled so tests wait on events.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _steps = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _last;

    public int Count => _requests.Count;

    public IReadOnlyCollection<string> Requests => _requests.ToArray();

    public ScriptedHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _steps.Enqueue(step);
        return this;
    }

    public ScriptedHandler ThenRespond(HttpStatusCode status, string json = "{}", Action<HttpResponseMessage>? configure = null) =>
        Then((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        });

    public ScriptedHandler ThenThrow(Func<Exception> exception) => Then((_, _) => Task.FromException<HttpResponseMessage>(exception()));

    /// <summary>Never answers; completes only when the attempt is cancelled (by a timeout).</summary>
    public ScriptedHandler ThenHang() => Then(async (_, token) =>
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
        throw new InvalidOperationException("unreachable");
    });

    /// <summary>Waits (really, bounded) until at least <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Count < count)
        {
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} requests, got {Count}.");
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _arrived.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath} {body}");
        _arrived.Release();

        if (_steps.TryDequeue(out var step))
        {
            _last = step;
        }

        var current = _last ?? throw new InvalidOperationException("No scripted response.");
        return await current(request, cancellationToken);
    }
}
