using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.App;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Flows;

/// <summary>Meta retries until it gets a 2xx and does not keep order: every delivery must act at most once.</summary>
public sealed class WebhookRedeliveryTests
{
    private static readonly TimeSpan Timeout = OutboundFlowTests.Timeout;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Outbound_webhooks_delivered_three_times_in_shuffled_order_end_the_same_with_one_graph_request_per_action(int seed)
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        string[] once =
        [
            MetaWebhooks.Status(wacid, "RINGING"),
            MetaWebhooks.OutboundAnswer(wacid),
            MetaWebhooks.Status(wacid, "ACCEPTED"),
            MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 42),
        ];
        var deliveries = once.Concat(once).Concat(once).ToArray();
        new Random(seed).Shuffle(deliveries);

        foreach (var body in deliveries)
        {
            await app.DeliverAsync(body);
        }

        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["connect"], app.Graph.Actions);
        var commands = app.Node.CommandsFor(callId);
        Assert.Single(commands, c => c is Hangup);
        Assert.True(commands.Count(c => c is ApplyAnswer) <= 1);
        var call = await app.GetCallAsync(callId);
        Assert.Equal(
            ("ended", "completed", "userHangup", 42.0),
            (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString(), call.GetProperty("endReason").GetString(),
                call.GetProperty("durationSeconds").GetDouble()));
        var triggers = OutboundFlowTests.Triggers(call);
        foreach (var trigger in new[] { "statusRinging", "answerReceived", "statusAccepted", "terminated" })
        {
            Assert.Single(triggers, t => t == trigger);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Inbound_webhooks_delivered_three_times_in_shuffled_order_create_one_call_and_accept_once(int seed)
    {
        await using var app = await CallingApp.StartAsync();
        const string wacid = "wacid.REDELIVER";
        var connect = MetaWebhooks.InboundConnect(wacid);
        var terminate = MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: false, duration: 12);

        // Meta sends connect first; its retries and the terminate's may then interleave in any order.
        await app.DeliverAsync(connect);
        await app.DeliverAsync(connect);
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        string[] rest = [connect, terminate, terminate, terminate];
        new Random(seed).Shuffle(rest);
        foreach (var body in rest)
        {
            await app.DeliverAsync(body);
        }

        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept", "accept"], app.Graph.Actions);
        Assert.Single(app.Node.Commands, c => c is StartInbound);
        Assert.Single(app.Node.Commands, c => c is Hangup);
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        var listed = Assert.Single((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Equal(callId, listed.GetProperty("id").GetString());
        var call = await app.GetCallAsync(callId);
        Assert.Equal(("ended", "completed"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
        Assert.Single(OutboundFlowTests.Triggers(call), t => t == "terminated");
    }

    [Fact]
    public async Task Twenty_concurrent_webhooks_on_one_call_lose_no_event_and_reach_one_final_state()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        string[] distinct =
        [
            MetaWebhooks.Status(wacid, "RINGING"),
            MetaWebhooks.OutboundAnswer(wacid),
            MetaWebhooks.Status(wacid, "ACCEPTED"),
            MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: true, duration: 7),
        ];

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.DeliverAsync(distinct[i % distinct.Length])));
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);

        var call = await app.GetCallAsync(callId);
        Assert.Equal("ended", call.GetProperty("state").GetString());
        var webhookRows = OutboundFlowTests.Triggers(call)
            .Where(t => t is "statusRinging" or "answerReceived" or "statusAccepted" or "terminated")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["answerReceived", "statusAccepted", "statusRinging", "terminated"], webhookRows);
        var sequences = call.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences);
        Assert.Equal(["connect"], app.Graph.Actions);
        Assert.Single(app.Node.CommandsFor(callId), c => c is Hangup);
    }

    [Fact]
    public async Task One_batched_delivery_is_processed_event_by_event_and_routed_per_business_number()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);

        await app.DeliverAsync(MetaWebhooks.Batch(
            MetaWebhooks.Status(wacid, "RINGING"),
            MetaWebhooks.InboundConnect("wacid.OTHERNUMBER", CallingApp.OtherPhoneNumberId),
            MetaWebhooks.OutboundAnswer(wacid)));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(Timeout);

        var call = await app.GetCallAsync(callId);
        Assert.Equal("connected", call.GetProperty("state").GetString());
        Assert.Equal(["created", "offerReady", "connectSent", "statusRinging", "answerReceived"], OutboundFlowTests.Triggers(call)[..5]);
        await app.Node.Received<StartInbound>().WaitAsync(Timeout);
        var inbound = Assert.Single(app.Node.Commands.OfType<StartInbound>());
        Assert.Equal(CallingApp.OtherPhoneNumberId, (await app.GetCallAsync(inbound.CallId)).GetProperty("from").GetString());
    }

    [Fact]
    public async Task A_terminate_whose_hangup_could_not_be_sent_is_retried_by_Meta_and_then_frees_the_node()
    {
        FlakyCommandSender<Hangup>? sender = null;
        await using var app = await CallingApp.StartAsync(services: s => s.AddSingleton<ICommandSender>(sp =>
            sender = new FlakyCommandSender<Hangup>(sp.GetRequiredService<InMemoryCommandBus>())));
        const string wacid = "wacid.RETRIED";
        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);
        var terminate = MetaWebhooks.Terminate(wacid, "COMPLETED", outbound: false, duration: 9);

        using (var failed = await app.PostWebhookAsync(terminate))
        {
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        Assert.Equal("ended", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
        await app.DeliverAsync(terminate);
        await app.Node.Acked<MediaEnded>().WaitAsync(Timeout);
        await app.DeliverAsync(terminate);

        Assert.Equal(1, sender!.Failures);
        Assert.Single(app.Node.CommandsFor(callId), c => c is Hangup);
        Assert.Single(OutboundFlowTests.Triggers(await app.GetCallAsync(callId)), t => t == "terminated");
    }
}
