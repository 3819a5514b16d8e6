using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>A MediaNode process that dies with live calls: the Functions see its heartbeats stop and end its calls.</summary>
public sealed class NodeFailoverTests
{
    private static readonly object LongPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } };
    private static readonly string[] Users = [User, OtherUser, "16315550123"];

    [Theory]
    [InlineData(TransportKind.StorageQueues)]
    [InlineData(TransportKind.ServiceBus)]
    public async Task MediaNode_killed_with_live_calls_every_call_ends_node_lost_with_one_terminate_each_and_a_call_ended_callback(TransportKind transport)
    {
        var clock = new ShiftedTimeProvider();
        await using var receiver = await SignedCallbackReceiver.StartAsync();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            InProcessMediaNode = false,
            Transport = transport,
            FunctionsTime = clock,
            ConfigureFunctions = s =>
            {
                s["Callbacks:SigningSecret"] = SignedCallbackReceiver.Secret;
                s["Callbacks:AllowLoopback"] = "true";
                s["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development"; // AllowLoopback is refused outside Development
            },
            ConfigureFunctionsServices = SignedCallbackReceiver.Trust,
        });
        var httpPort = FreeTcpPort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Serverless.MediaNode.dll");
        using var node = await NodeProcess.StartAsync(dll, product.NodeSettings(udpPort: 0, httpPort: httpPort), httpPort);
        try
        {
            var calls = new List<(string CallId, string Wacid)>();
            foreach (var user in Users)
            {
                product.Simulator.Permissions.Grant(user);
                var (status, dialled) = await product.Calls.DialAsync(new { to = "+" + user, audio = LongPrompt, callbackUrl = receiver.Url });
                Assert.True(status == 202, $"dial answered {status}: {dialled}");
                var phone = await product.Phones.WaitForPhoneAsync(user, Wait);
                await phone.WaitForToneAsync(PromptHz, Wait);
                await product.Calls.WaitForStateAsync(dialled.Id(), "connected", Wait);
                calls.Add((dialled.Id(), await product.WacidAsync(dialled.Id())));
            }

            // A live node is left alone: its heartbeats are current (the node's watch, armed by its first call, and the
            // safety sweep both look).
            await product.Functions.RunQueueAsync("NodeWatch");
            await product.Functions.RunTimerAsync("Sweeper");
            foreach (var (callId, _) in calls)
            {
                Assert.Equal("connected", (await product.Calls.GetAsync(callId)).State());
            }

            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Assert.DoesNotContain("terminate", product.GraphCallActions());

            // Past 3 missed heartbeats (2 s each) and the 8 s threshold: the watch's next message (every 5 s while the
            // node carries calls) ends every call.
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(1, await product.Functions.RunQueueAsync("NodeWatch"));
            foreach (var (callId, _) in calls)
            {
                var failed = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
                Assert.Equal(("failed", "failed"), (failed.State(), failed.Outcome()));
                Assert.Equal("node-lost", failed.GetProperty("lastError").GetProperty("code").GetString());
            }

            // A second look (the safety sweep, a duplicate message) sends nothing more, and the watch has ended.
            await product.Functions.RunTimerAsync("Sweeper");
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await product.Functions.RunQueueAsync("NodeWatch"));
            foreach (var (_, wacid) in calls)
            {
                Assert.Equal(1, TerminatesOf(product, wacid));
            }

            foreach (var user in Users)
            {
                await (await product.Phones.WaitForPhoneAsync(user, Wait)).Finished.WaitAsync(Wait);
            }

            await product.Functions.RunQueueAsync("DrainCallbacks");
            Assert.All(receiver.Received, r => Assert.Equal(SignatureCheck.Valid, r.Verdict));
            foreach (var (callId, _) in calls)
            {
                var ended = Assert.Single(receiver.Of(callId, "call.ended")).Body;
                Assert.Equal("failed", ended.GetProperty("state").GetString());
                Assert.Equal("node-lost", ended.GetProperty("lastError").GetProperty("code").GetString());
            }
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task With_the_queues_served_as_in_Azure_a_killed_nodes_calls_end_node_lost_by_themselves()
    {
        // Real clock, queues polled by the host as the extension does (host.json), no timer run and no manual delivery:
        // the node's watch (armed by its first call, a message every 5 s while it carries calls) finds it dead.
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            InProcessMediaNode = false,
            Transport = TransportKind.StorageQueues,
            ServeQueues = true,
        });
        var httpPort = FreeTcpPort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Serverless.MediaNode.dll");
        using var node = await NodeProcess.StartAsync(dll, product.NodeSettings(udpPort: 0, httpPort: httpPort), httpPort);
        try
        {
            var calls = new List<(string CallId, string Wacid)>();
            foreach (var user in Users[..2])
            {
                product.Simulator.Permissions.Grant(user);
                var (status, dialled) = await product.Calls.DialAsync(new { to = "+" + user, audio = LongPrompt });
                Assert.True(status == 202, $"dial answered {status}: {dialled}");
                await (await product.Phones.WaitForPhoneAsync(user, Wait)).WaitForToneAsync(PromptHz, Wait);
                await product.Calls.WaitForStateAsync(dialled.Id(), "connected", Wait);
                calls.Add((dialled.Id(), await product.WacidAsync(dialled.Id())));
            }

            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();

            foreach (var (callId, _) in calls)
            {
                var failed = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
                Assert.Equal("node-lost", failed.GetProperty("lastError").GetProperty("code").GetString());
            }

            // Meta's terminate ends each phone's call; exactly one per call, whatever ran twice.
            foreach (var user in Users[..2])
            {
                await (await product.Phones.WaitForPhoneAsync(user, Wait)).Finished.WaitAsync(Wait);
            }

            Assert.All(calls, c => Assert.Equal(1, TerminatesOf(product, c.Wacid)));
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static int TerminatesOf(LocalProduct product, string wacid) =>
        product.Simulator.Requests.Snapshot()
            .Where(r => r.Method == "POST" && r.Path.EndsWith("/calls", StringComparison.Ordinal))
            .Count(r =>
            {
                using var doc = JsonDocument.Parse(r.Body);
                return doc.RootElement.TryGetProperty("action", out var a) && a.GetString() == "terminate"
                    && doc.RootElement.TryGetProperty("call_id", out var id) && id.GetString() == wacid;
            });

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
