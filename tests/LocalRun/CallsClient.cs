using System.Net.Http.Json;
using System.Text.Json;

namespace Serverless.Testing.LocalRun;

/// <summary>The product's dial API (<c>/api/calls</c>) as a user of it sees it: JSON in, JSON out.</summary>
public sealed class CallsClient(HttpClient http) : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public HttpClient Http { get; } = http;

    /// <summary>POST /api/calls; returns the status and the JSON body (a call, or a problem).</summary>
    public async Task<(int Status, JsonElement Body)> DialAsync(object request, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync(new Uri("api/calls", UriKind.Relative), request, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await ReadAsync(response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>GET /api/calls/{id} (with its event history).</summary>
    public async Task<JsonElement> GetAsync(string callId, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(new Uri("api/calls/" + callId, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /api/calls: the first page of calls.</summary>
    public async Task<(int Status, JsonElement Body)> ListAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(new Uri("api/calls", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await ReadAsync(response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>DELETE /api/calls/{id}: the business hangs up.</summary>
    public async Task<(int Status, JsonElement Body)> HangUpAsync(string callId, CancellationToken cancellationToken = default)
    {
        using var response = await Http.DeleteAsync(new Uri("api/calls/" + callId, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await ReadAsync(response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Polls the call until <paramref name="done"/> holds (the API has no push channel to wait on).</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message holds the last state seen.</exception>
    public async Task<JsonElement> WaitAsync(string callId, Func<JsonElement, bool> done, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(done);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var ticks = new PeriodicTimer(PollInterval);
        JsonElement last = default;
        try
        {
            do
            {
                last = await GetAsync(callId, limit.Token).ConfigureAwait(false);
                if (done(last))
                {
                    return last;
                }
            }
            while (await ticks.WaitForNextTickAsync(limit.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: reported below with the last state.
        }

        throw new TimeoutException($"Call {callId} did not reach the expected state within {timeout}; last: {last}");
    }

    /// <summary>Polls GET /api/calls until a call with Meta's call id <paramref name="wacid"/> is listed (inbound calls).</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public async Task<JsonElement> FindByWacidAsync(string wacid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var ticks = new PeriodicTimer(PollInterval);
        try
        {
            do
            {
                using var response = await Http.GetAsync(new Uri("api/calls?pageSize=100", UriKind.Relative), limit.Token).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                var page = await ReadAsync(response, limit.Token).ConfigureAwait(false);
                foreach (var call in page.GetProperty("calls").EnumerateArray())
                {
                    if (call.TryGetProperty("wacid", out var w) && w.ValueKind == JsonValueKind.String && w.GetString() == wacid)
                    {
                        return call;
                    }
                }
            }
            while (await ticks.WaitForNextTickAsync(limit.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: reported below.
        }

        throw new TimeoutException($"No call with wacid {wacid} was listed within {timeout}.");
    }

    /// <summary>Waits until the call's <c>state</c> is <paramref name="state"/>.</summary>
    public Task<JsonElement> WaitForStateAsync(string callId, string state, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitAsync(callId, c => c.GetProperty("state").GetString() == state, timeout, cancellationToken);

    public void Dispose() => Http.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
