using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.Shared.Media;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>Two MediaNode processes on one shared new-calls queue: a full node leaves new calls to the one with room.</summary>
public sealed class PlacementTests
{
    private const string SecondNode = "node-roomy";
    private const string SecondNodeKey = "e2e-second-node-events-key-0123456789";
    private static readonly object LongPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } };
    private static readonly object ShortPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 1500 } } } };
    private static readonly string[] Others = ["16315550111", "16315550112", "16315550113", "16315550114"];

    [Fact]
    public async Task A_node_at_MaxCalls_takes_no_new_call_and_every_dial_connects_on_the_node_with_room()
    {
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            InProcessMediaNode = false,
            ConfigureFunctions = s => s["MediaEvents:NodeKeys:" + SecondNode] = SecondNodeKey,
        });
        var dll = Path.Combine(AppContext.BaseDirectory, "Serverless.MediaNode.dll");
        var fullPort = FreeTcpPort();
        var full = new Dictionary<string, string>(product.NodeSettings(udpPort: 0, httpPort: fullPort)) { ["MediaNode__MaxCalls"] = "1" };
        using var fullNode = await NodeProcess.StartAsync(dll, full, fullPort);
        Process? roomy = null;
        try
        {
            // The only node takes the first call and is then at MaxCalls 1.
            product.Simulator.Permissions.Grant(User);
            var first = await product.DialAcceptedAsync(User, LongPrompt);
            await product.Calls.WaitForStateAsync(first, "connected", Wait);

            var roomyPort = FreeTcpPort();
            var settings = new Dictionary<string, string>(product.NodeSettings(udpPort: 0, httpPort: roomyPort))
            {
                ["MediaNode__NodeId"] = SecondNode,
                ["MediaNode__EventsSecret"] = SecondNodeKey,
            };
            roomy = await NodeProcess.StartAsync(dll, settings, roomyPort);

            // One after another (the machine is small): each new call finds the first node still full.
            var dialled = new List<string>();
            foreach (var user in Others)
            {
                product.Simulator.Permissions.Grant(user);
                var callId = await product.DialAcceptedAsync(user, ShortPrompt);
                dialled.Add(callId);
                var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);
                Assert.True(ended.Outcome() == "completed", ended.ToString());
            }

            // Every new call was offered by the node with room; the full node made only the first call's offer.
            var offers = product.Tap.Events.Where(e => e.Event is OfferReady && e.FunctionsStatus == 200).Select(e => (e.Event.CallId, e.Event.NodeId)).ToList();
            Assert.Equal((first, product.NodeId), Assert.Single(offers, o => o.NodeId == product.NodeId));
            Assert.All(dialled, callId => Assert.Contains((callId, (string?)SecondNode), offers));
            Assert.Equal("connected", (await product.Calls.GetAsync(first)).State());
        }
        finally
        {
            foreach (var node in new[] { fullNode, roomy })
            {
                if (node is { HasExited: false })
                {
                    node.Kill(entireProcessTree: true);
                }
            }

            roomy?.Dispose();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
