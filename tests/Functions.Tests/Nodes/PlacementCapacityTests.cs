using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Serverless.Functions.Nodes;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.Media;

namespace Serverless.Functions.Tests.Nodes;

/// <summary>
/// Placement by capacity seen from the Functions: the nodes' heartbeat rows say whether any live node has room; when
/// none has, an inbound call is rejected at once and a dial is answered 503 + Retry-After; a call no node takes fails
/// <c>capacity</c> at the placement window, and a node's late offer for it never rings the user.
/// </summary>
public sealed class PlacementCapacityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Inbound_call_while_every_live_node_is_full_or_draining_is_rejected_at_once_with_capacity()
    {
        await using var app = await CallingApp.StartAsync(runNode: false); // the queue itself shows whether a start went out
        await BeatAsync(app, "node-1", maxCalls: 2, active: 2, draining: false);
        await BeatAsync(app, "node-2", maxCalls: 5, active: 1, draining: true);
        const string wacid = "wacid.ALLFULL";

        await app.DeliverAsync(MetaWebhooks.InboundConnect(wacid));

        var request = Assert.Single(app.Graph.Requests);
        Assert.Equal(("reject", wacid), (request.Action, request.CallId));
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        var call = Assert.Single((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Equal(("failed", "failed"), (call.GetProperty("state").GetString(), call.GetProperty("outcome").GetString()));
        Assert.Equal("capacity", call.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Contains("full or draining", call.GetProperty("lastError").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.Bus.CountReady("commands-new")); // no start waits for a node
        Assert.Equal(0, app.Bus.CountReady("commands-node-1"));
    }

    [Fact]
    public async Task Inbound_call_is_served_when_one_live_node_has_room_and_a_full_dead_node_is_ignored()
    {
        await using var app = await CallingApp.StartAsync();
        await BeatAsync(app, "node-1", maxCalls: 2, active: 1, draining: false);
        await BeatAsync(app, "node-gone", maxCalls: 2, active: 2, draining: false, age: TimeSpan.FromMinutes(5));

        await app.DeliverAsync(MetaWebhooks.InboundConnect("wacid.ROOMY"));
        var callId = await app.Node.Acked<MediaConnected>().WaitAsync(Timeout);

        Assert.Equal(["pre_accept", "accept"], app.Graph.Actions);
        Assert.Equal("connected", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Dial_while_every_live_node_is_full_is_503_with_Retry_After_stores_nothing_and_spends_no_permission_lookup()
    {
        await using var app = await CallingApp.StartAsync();
        await BeatAsync(app, "node-1", maxCalls: 1, active: 1, draining: false);

        using var refused = await app.DialAsync(new { to = "+14155550123" }, idempotencyKey: "full-1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        var problem = await CallingApp.ReadJsonAsync(refused);
        Assert.Equal("https://errors.serverless-calling.dev/no-media-capacity", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));
        Assert.Empty((await CallingApp.ReadJsonAsync(list)).GetProperty("calls").EnumerateArray());
        Assert.Empty(app.Graph.PermissionLookups);
        Assert.Empty(app.Node.Commands);

        // A slot frees: the same request (same Idempotency-Key) now places the call.
        await BeatAsync(app, "node-1", maxCalls: 1, active: 0, draining: false);
        using var placed = await app.DialAsync(new { to = "+14155550123" }, idempotencyKey: "full-1");
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        await app.Node.Acked<OfferReady>().WaitAsync(Timeout);
        Assert.Equal(["connect"], app.Graph.Actions);
    }

    [Fact]
    public async Task A_call_no_node_takes_fails_capacity_at_the_placement_window_and_a_late_offer_never_connects()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var dial = await app.DialAsync(new { to = "+14155550123" });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode); // no node reports: nothing to judge by, the start is queued
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;

        app.Time.Advance(TimeSpan.FromSeconds(9));
        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal("preparing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await app.Host.RunTimerAsync("Sweeper");
        var failed = await app.GetCallAsync(callId);
        Assert.Equal(("failed", "failed"), (failed.GetProperty("state").GetString(), failed.GetProperty("outcome").GetString()));
        Assert.Equal("capacity", failed.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Contains("within 10 s", failed.GetProperty("lastError").GetProperty("message").GetString(), StringComparison.Ordinal);

        // The queued start reaches a node after all: its offer is refused, the node is told to drop its peer, and
        // Meta is never asked to ring the user.
        await app.Node.PostAsync(new OfferReady { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp });
        Assert.Empty(app.Graph.Actions);
        Assert.Equal("failed", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
        Assert.Equal(1, app.Bus.CountReady("commands-node-1")); // the Hangup for the orphan peer
    }

    [Fact]
    public async Task A_node_that_claims_the_call_inside_the_window_gets_the_full_media_deadline()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using var dial = await app.DialAsync(new { to = "+14155550123" });
        var callId = (await CallingApp.ReadJsonAsync(dial)).GetProperty("id").GetString()!;
        using var hold = new CancellationTokenSource(Timeout);
        var connect = app.Graph.Hold("connect"); // the offer is recorded, Graph connect is in flight

        app.Time.Advance(TimeSpan.FromSeconds(5));
        var offer = app.Node.PostAsync(new OfferReady { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp });
        await app.Graph.WaitForRequestAsync(r => r.Action == "connect", hold.Token);
        app.Time.Advance(TimeSpan.FromSeconds(10)); // past the placement window, inside the 30 s media deadline
        await app.Host.RunTimerAsync("Sweeper");

        Assert.Equal("preparing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
        connect.SetResult();
        await offer.WaitAsync(Timeout);
        Assert.Equal("ringing", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Due_dials_wait_while_every_node_is_full_and_are_placed_once_one_has_room()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        await BeatAsync(app, "node-1", maxCalls: 1, active: 1, draining: false);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/dials") { Content = JsonContent.Create(new { to = "+14155550123" }) };
        using var scheduled = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, scheduled.StatusCode);
        var dialId = (await CallingApp.ReadJsonAsync(scheduled)).GetProperty("id").GetString()!;

        await app.Host.RunTimerAsync("Sweeper");
        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal(0, app.Bus.CountReady("commands-new"));
        Assert.Equal("scheduled", (await GetDialAsync(app, dialId)).GetProperty("state").GetString());
        Assert.Empty(app.Graph.PermissionLookups);

        await BeatAsync(app, "node-1", maxCalls: 1, active: 0, draining: false);
        await app.Host.RunTimerAsync("Sweeper");
        Assert.Equal(1, app.Bus.CountReady("commands-new"));
        Assert.Equal("dialling", (await GetDialAsync(app, dialId)).GetProperty("state").GetString());
    }

    [Fact]
    public void Room_is_judged_over_live_nodes_only_a_node_that_says_it_is_full_counts_as_full()
    {
        static NodeBeat Beat(int? free, bool draining = false) => new("n", DateTimeOffset.UnixEpoch, null, 0, draining, default, free);

        Assert.Equal(NodeRoom.Unknown, NodeRegistry.Judge([]));
        Assert.Equal(NodeRoom.Full, NodeRegistry.Judge([Beat(0), Beat(3, draining: true)]));
        Assert.Equal(NodeRoom.Available, NodeRegistry.Judge([Beat(0), Beat(1)]));
        Assert.Equal(NodeRoom.Available, NodeRegistry.Judge([Beat(null)])); // a node older than the field
        Assert.Equal(NodeRoom.Full, NodeRegistry.Judge([Beat(null, draining: true)]));
    }

    private static async Task BeatAsync(CallingApp app, string nodeId, int maxCalls, int active, bool draining, TimeSpan age = default)
    {
        var table = AzuriteTables.Client().GetTableClient(app.TablePrefix + "nodes");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity(NodeRegistry.PartitionKey, nodeId)
        {
            ["MaxCalls"] = maxCalls,
            ["ActiveCalls"] = active,
            ["FreeCapacity"] = draining ? 0 : Math.Max(0, maxCalls - active),
            ["Draining"] = draining,
            ["BeatAt"] = app.Time.GetUtcNow() - age,
            ["IntervalSeconds"] = 2.0,
        }, TableUpdateMode.Replace);
    }

    private static async Task<System.Text.Json.JsonElement> GetDialAsync(CallingApp app, string dialId)
    {
        using var response = await app.Client.GetAsync(new Uri("api/dials/" + dialId, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await CallingApp.ReadJsonAsync(response);
    }
}
