using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>The storage account lost and back empty: every process recovers by itself, and says so meanwhile.</summary>
public sealed class StorageLossTests
{
    private static readonly object LongPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } };

    /// <summary>The issue's bound: storage back empty, new dials connect again within this, no process restarted.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Azurite_restarted_empty_the_product_recovers_by_itself_within_30_s()
    {
        // Its own Azurite (own ports), so stopping it leaves the other tests' storage alone.
        await using var azurite = await OwnAzurite.StartAsync();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            StorageConnectionString = azurite.ConnectionString,
            InProcessMediaNode = false,
            Transport = TransportKind.StorageQueues,
        });
        var httpPort = FreeTcpPort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Serverless.MediaNode.dll");
        using var node = await NodeProcess.StartAsync(dll, product.NodeSettings(udpPort: 0, httpPort: httpPort), httpPort);
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            product.Simulator.Permissions.Grant(User);
            product.Simulator.Permissions.Grant(OtherUser);
            await ConnectAndHangUpAsync(product, await product.DialAcceptedAsync(User, LongPrompt), User);

            await azurite.StopAsync();

            // The node says it cannot receive (its readiness fails, naming why), and the API answers 503 with a
            // Retry-After and a problem, not an empty 500.
            var notReady = await WaitForReadinessAsync(probe, ready: false);
            Assert.Contains(notReady.GetProperty("failing").EnumerateArray().Select(f => f.GetString()), f => f is "transport-receive" or "storage");
            using (var refused = await product.Calls.Http.PostAsJsonAsync(new Uri("api/calls", UriKind.Relative), new { to = "+" + OtherUser, audio = LongPrompt }))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, refused.Headers.ToString());
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                Assert.EndsWith("/storage-unavailable", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            }

            // Back, empty: no table, queue or blob container. Every process recreates what it needs by itself.
            await azurite.StartFreshAsync();
            using var bound = new CancellationTokenSource(RecoveryBound);
            string? callId = null;
            using (var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(500)))
            {
                while (callId is null)
                {
                    var (status, body) = await product.Calls.DialAsync(new { to = "+" + OtherUser, audio = LongPrompt }, bound.Token);
                    if (status == 202)
                    {
                        callId = body.Id();
                        break;
                    }

                    // Until then the API keeps saying "come back later", never an unexplained 500.
                    Assert.True(status == 503, $"dial during recovery answered {status}: {body}");
                    await ticks.WaitForNextTickAsync(bound.Token);
                }
            }

            // The call placed after the loss connects (the new-calls queue, the node's own queue, the heartbeat and
            // call tables are back), within the same bound.
            await ConnectAndHangUpAsync(product, callId, OtherUser, bound.Token);
            await WaitForReadinessAsync(probe, ready: true);
            Assert.False(node.HasExited);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task ConnectAndHangUpAsync(LocalProduct product, string callId, string user, CancellationToken cancellationToken = default)
    {
        var phone = await product.Phones.WaitForPhoneAsync(user, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait).WaitAsync(cancellationToken);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait, cancellationToken);
        Assert.True(product.Simulator.HangUpAsUser(await product.WacidAsync(callId)));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait, CancellationToken.None);
        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
    }

    /// <summary>Polls <c>/readyz</c> until it answers ready (200) or not (503); returns its body.</summary>
    private static async Task<JsonElement> WaitForReadinessAsync(HttpClient probe, bool ready)
    {
        using var timeout = new CancellationTokenSource(Wait);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var last = "no answer";
        while (true)
        {
            try
            {
                using var response = await probe.GetAsync(new Uri("readyz", UriKind.Relative), timeout.Token);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == (ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable))
                {
                    return body;
                }
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
            {
                // One slow probe on a loaded machine: ask again.
            }

            try
            {
                await ticks.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"/readyz never answered {(ready ? "ready" : "not ready")} within {Wait}; last: {last}");
            }
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
