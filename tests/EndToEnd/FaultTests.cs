using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.Shared.Transport;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Serverless.Testing.WhatsAppSimulator.Faults;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Serverless.Testing.WhatsAppSimulator.Webhooks;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>Calls that must still end correctly when deliveries repeat, processes die and Graph pushes back.</summary>
public sealed class FaultTests
{
    private static readonly object LongPrompt = new { steps = new object[] { new { tone = new { hz = PromptHz, ms = 120_000 } } } };

    [Fact]
    public async Task Every_webhook_delivered_twice_and_reordered_still_gives_one_connected_call_that_ends_once()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Webhooks.DeliverTwice = true;
        product.Simulator.Webhooks.Hold();

        var callId = await product.DialAcceptedAsync(User, LongPrompt);
        using (var held = new CancellationTokenSource(Wait))
        {
            // RINGING, the connect with the answer, ACCEPTED: released shuffled, each POSTed twice.
            await product.Simulator.Webhooks.WaitUntilHeldAsync(3, held.Token);
        }

        Assert.Equal(3, product.Simulator.Webhooks.ReleaseHeld(shuffleSeed: 20261126));
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        Assert.True(product.Simulator.HangUpAsUser(await product.WacidAsync(callId)));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.Single(product.GraphCallActions(), a => a == "connect");
        Assert.DoesNotContain("terminate", product.GraphCallActions());
        using (var twice = new CancellationTokenSource(Wait))
        {
            // The last webhook's second copy may still be on its way when the call has ended: wait for it, then
            // check that the Functions took every copy.
            await product.Simulator.Webhooks.WaitUntilAsync(ds => ds.All(d => d.Attempts.Count >= 2), twice.Token);
        }

        Assert.All(product.Simulator.Webhooks.Deliveries, d => Assert.All(d.Attempts, a => Assert.True(a.Succeeded, $"delivery {d.Id}: {a.StatusCode} {a.Error}")));
        // The tap logs an event once the Functions answered it, which is after the GET above can see its stats.
        await product.MediaEndedAsync(callId);
        Assert.Single(product.Tap.Events, e => e.Event is Serverless.Shared.Media.MediaEnded m && m.CallId == callId && e.FunctionsStatus == 200);
    }

    [Fact]
    public async Task Functions_restarted_mid_call_the_call_continues_and_ends_correctly()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        var callId = await product.DialAcceptedAsync(User, LongPrompt);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        var wacid = await product.WacidAsync(callId);

        await product.RestartFunctionsAsync(whileDown: async () =>
        {
            // The user hangs up while the Functions are down: Meta's terminate webhook fails and is retried.
            Assert.True(product.Simulator.HangUpAsUser(wacid));
            using var failed = new CancellationTokenSource(Wait);
            await product.Simulator.Webhooks.WaitUntilAsync(ds => ds.Any(d => d.State == WebhookDeliveryState.AwaitingRetry), failed.Token);
        });
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal() && c.HasMediaStats(), Wait);

        Assert.Equal("ended", ended.State());
        Assert.Equal("completed", ended.Outcome());
        Assert.True(ended.GetProperty("durationSeconds").GetDouble() > 0, ended.ToString());
        await phone.Finished.WaitAsync(Wait);
    }

    [Fact]
    public async Task Functions_down_while_the_user_hangs_up_and_the_node_reports_lost_media_Metas_late_terminate_wins_and_nothing_goes_to_Graph_after()
    {
        var clock = new ShiftedTimeProvider();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            FunctionsTime = clock,
            // The node declares the media lost this long after the phone stops answering consent checks (RFC 7675's
            // 30 s in production): the outage only has to outlast it, so the race takes seconds here, not 30.
            ConfigureMediaNode = s => s["MediaNode:ConsentTimeout"] = "00:00:08",
        });
        product.Simulator.Permissions.Grant(User);
        var callId = await product.DialAcceptedAsync(User, LongPrompt);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        var wacid = await product.WacidAsync(callId);
        var graphBeforeHangUp = product.Simulator.Requests.Snapshot().Count;

        // The outage lasts until both sides tried and failed: Meta's terminate webhook is waiting for its retry after
        // 1 s and 6 s (next: 36 s), and the node's media-lost report was refused. Back up, the node's report (retried
        // within 1 s) is applied first, Meta's terminate about half a minute later: the order of the field report.
        await product.RestartFunctionsAsync(whileDown: async () =>
        {
            Assert.True(product.Simulator.HangUpAsUser(wacid));
            await product.Tap.WaitForAsync(e => e.Event is Serverless.Shared.Media.MediaFailed f && f.CallId == callId && e.FunctionsStatus != 200, Wait);
            using var retried = new CancellationTokenSource(Wait);
            await product.Simulator.Webhooks.WaitUntilAsync(
                ds => ds.Any(d => d.BodyText.Contains(wacid, StringComparison.Ordinal) && d.BodyText.Contains("terminate", StringComparison.Ordinal)
                    && d.Attempts.Count >= 3 && d.State == WebhookDeliveryState.AwaitingRetry),
                retried.Token);
        });
        await product.Tap.WaitForAsync(e => e.Event is Serverless.Shared.Media.MediaFailed f && f.CallId == callId && e.FunctionsStatus == 200, Wait);
        // Media lost on a connected call is not its end: the product waits for Meta's word.
        Assert.Equal("connected", (await product.Calls.GetAsync(callId)).State());

        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), TimeSpan.FromSeconds(90));

        Assert.Equal(("ended", "completed"), (ended.State(), ended.Outcome()));
        Assert.False(ended.Has("lastError"), ended.ToString());
        // Past the media-loss window and the call's deadlines: the deadline message and the sweeper find it ended.
        clock.Advance(TimeSpan.FromMinutes(2));
        await product.Functions.RunQueueAsync("CallDeadline");
        await product.Functions.RunTimerAsync("Sweeper");
        Assert.DoesNotContain(product.Simulator.Requests.Snapshot().Skip(graphBeforeHangUp), r => r.Method == "POST" && r.Path.EndsWith("/calls", StringComparison.Ordinal));
        Assert.DoesNotContain("terminate", product.GraphCallActions());
    }

    [Fact]
    public async Task Graph_answering_503_and_429_for_a_while_the_call_still_completes()
    {
        await using var product = await LocalProduct.StartAsync();
        product.Simulator.Permissions.Grant(User);
        product.Simulator.Faults.Inject(GraphFault.ServiceUnavailable(edge: "calls"), count: 2);
        product.Simulator.Faults.Inject(GraphFault.RateLimited(edge: "calls"), count: 1);

        var callId = await product.DialAcceptedAsync(User, LongPrompt);
        var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
        await phone.WaitForToneAsync(PromptHz, Wait);
        await product.Calls.WaitForStateAsync(callId, "connected", Wait);
        Assert.True(product.Simulator.HangUpAsUser(await product.WacidAsync(callId)));
        var ended = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);

        Assert.Equal("completed", ended.Outcome());
        Assert.Equal(0, product.Simulator.Faults.PendingCount);
        Assert.Equal(4, product.GraphCallActions().Count(a => a == "connect"));
    }

    [Theory]
    [InlineData(TransportKind.StorageQueues)]
    [InlineData(TransportKind.ServiceBus)]
    public async Task MediaNode_process_killed_mid_call_the_sweeper_fails_the_call_and_sends_terminate(TransportKind transport)
    {
        var clock = new ShiftedTimeProvider();
        await using var product = await LocalProduct.StartAsync(new LocalProductOptions
        {
            InProcessMediaNode = false,
            Transport = transport,
            FunctionsTime = clock,
            ConfigureFunctions = s => s["Calls:MaxCallDuration"] = "00:05:00",
        });
        var httpPort = FreeTcpPort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Serverless.MediaNode.dll");
        using var node = await NodeProcess.StartAsync(dll, product.NodeSettings(udpPort: 0, httpPort: httpPort), httpPort);
        try
        {
            product.Simulator.Permissions.Grant(User);
            var callId = await product.DialAcceptedAsync(User, LongPrompt);
            var phone = await product.Phones.WaitForPhoneAsync(User, Wait);
            await phone.WaitForToneAsync(PromptHz, Wait);
            await product.Calls.WaitForStateAsync(callId, "connected", Wait);

            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Assert.DoesNotContain("terminate", product.GraphCallActions());
            // Past the connected call's deadline (MaxCallDuration): the sweeper's next run owns the call.
            clock.Advance(TimeSpan.FromMinutes(6));
            await product.Functions.RunTimerAsync("Sweeper");
            var failed = await product.Calls.WaitAsync(callId, c => c.IsFinal(), Wait);

            Assert.Equal("failed", failed.State());
            Assert.Equal("timeout", failed.GetProperty("lastError").GetProperty("code").GetString());
            await product.WaitForGraphCallActionAsync("terminate");
            await phone.Finished.WaitAsync(Wait);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
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
