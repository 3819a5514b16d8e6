using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.AgentConsole;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Flows;
using Serverless.Functions.Tests.MediaEvents;
using Serverless.Shared.Media;
using Serverless.Functions.SignIn;

namespace Serverless.Functions.Tests.AgentConsole;

/// <summary>
/// The console's API against the real Functions over HTTP with a scripted node: a queue rings its available agents,
/// the first accept wins (the other gets 409 and the call vanishes from its list), the winner's offer becomes a
/// ConnectAgent in the call's command sequence, the node's answer reaches the winner, and the call record names the
/// agent and the queue.
/// </summary>
public sealed class ConsoleFlowTests
{
    private static readonly string Alice = ClientPrincipal.Encode("oid-alice", "Alice", ConsoleSignInTests.AgentRole);
    private static readonly string Bob = ClientPrincipal.Encode("oid-bob", "Bob", ConsoleSignInTests.AgentRole);
    private static readonly string Carol = ClientPrincipal.Encode("oid-carol", "Carol", ConsoleSignInTests.AgentRole);
    private const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private static async Task<HttpResponseMessage> AsAsync(CallingApp app, string principal, HttpMethod method, string path, object? body = null) =>
        await app.Anonymous.SendAsync(ConsoleSignInTests.AsPrincipal(method, path, principal, body is null ? null : JsonContent.Create(body)));

    private static async Task<JsonElement> JsonAsync(CallingApp app, string principal, string path)
    {
        using var response = await AsAsync(app, principal, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await CallingApp.ReadJsonAsync(response);
    }

    private static async Task<IReadOnlyList<string>> RingingAsync(CallingApp app, string principal) =>
        [.. (await JsonAsync(app, principal, "api/console/ringing")).GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("callId").GetString()!)];

    private static async Task<string> ConnectedCallAsync(CallingApp app)
    {
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>(callId).WaitAsync(OutboundFlowTests.Timeout);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(OutboundFlowTests.Timeout);
        return callId;
    }

    private static async Task AvailableAsync(CallingApp app, string principal)
    {
        using var response = await AsAsync(app, principal, HttpMethod.Put, "api/console/presence", new { available = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Both_available_agents_ring_the_first_accept_wins_and_the_call_vanishes_for_the_other()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await ConnectedCallAsync(app);
        await AvailableAsync(app, Alice);
        await AvailableAsync(app, Bob);

        using (var requested = await app.Node.SendAsync(new AgentRequested
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Queue = "support", TimeoutSeconds = 60,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, requested.StatusCode);
        }

        Assert.Equal([callId], await RingingAsync(app, Alice));
        Assert.Equal([callId], await RingingAsync(app, Bob));
        Assert.Empty(await RingingAsync(app, Carol)); // away: never offered

        // Both accept at once: exactly one wins.
        var accepts = await Task.WhenAll(
            AsAsync(app, Alice, HttpMethod.Post, $"api/console/calls/{callId}/accept"),
            AsAsync(app, Bob, HttpMethod.Post, $"api/console/calls/{callId}/accept"));
        var statuses = accepts.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Conflict));
        var loserIndex = statuses.IndexOf(HttpStatusCode.Conflict);
        Assert.Equal(ConsoleProblemTypes.CallTaken, (await CallingApp.ReadJsonAsync(accepts[loserIndex])).GetProperty("type").GetString());
        var (winner, loser, winnerId) = loserIndex == 1 ? (Alice, Bob, "oid-alice") : (Bob, Alice, "oid-bob");
        foreach (var r in accepts)
        {
            r.Dispose();
        }

        Assert.Empty(await RingingAsync(app, loser));
        Assert.Empty(await RingingAsync(app, winner));

        // The loser can neither offer nor hang up the winner's call.
        using (var stolen = await AsAsync(app, loser, HttpMethod.Post, $"api/console/calls/{callId}/offer", new { sdp = Offer }))
        {
            Assert.Equal(HttpStatusCode.Conflict, stolen.StatusCode);
        }

        using (var offer = await AsAsync(app, winner, HttpMethod.Post, $"api/console/calls/{callId}/offer", new { sdp = Offer }))
        {
            Assert.Equal(HttpStatusCode.Accepted, offer.StatusCode);
        }

        await app.Node.Received<ConnectAgent>().WaitAsync(OutboundFlowTests.Timeout);
        var connect = app.Node.CommandsFor(callId).OfType<ConnectAgent>().Single();
        Assert.Equal(Offer, connect.OfferSdp);
        Assert.Equal(winnerId, connect.Agent);
        Assert.Equal(2, connect.Sequence); // start 0, ApplyAnswer 1, then this

        using (var answer = await app.Node.SendAsync(new AgentAnswerReady
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), LegId = connect.LegId, Sdp = MediaNodeDouble.AnswerSdp,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var leg = (await JsonAsync(app, winner, $"api/console/calls/{callId}")).GetProperty("leg");
        Assert.Equal(connect.LegId, leg.GetProperty("legId").GetString());
        Assert.Equal(MediaNodeDouble.AnswerSdp, leg.GetProperty("answerSdp").GetString());

        await app.Node.PostAsync(new AgentConnected { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), LegId = connect.LegId });
        var call = await app.GetCallAsync(callId);
        Assert.Equal("support", call.GetProperty("queue").GetString());
        Assert.Equal(winnerId, call.GetProperty("agent").GetProperty("id").GetString());
        Assert.Contains(call.GetProperty("events").EnumerateArray(), e => e.GetProperty("trigger").GetString() == "agentConnected");

        // Mute goes to the node as the next command; hang-up is the call's normal Hangup after it.
        using (var mute = await AsAsync(app, winner, HttpMethod.Post, $"api/console/calls/{callId}/mute", new { muted = true }))
        {
            Assert.Equal(HttpStatusCode.OK, mute.StatusCode);
        }

        var muted = (await app.Node.Received<MuteAgent>().WaitAsync(OutboundFlowTests.Timeout), app.Node.CommandsFor(callId).OfType<MuteAgent>().Single()).Item2;
        Assert.True(muted.Muted);
        Assert.Equal(3, muted.Sequence);

        // Only the call's agent hands the caller back; it reaches the node as the next command, for this leg.
        using (var notHers = await AsAsync(app, loser, HttpMethod.Post, $"api/console/calls/{callId}/handback"))
        {
            Assert.Equal(HttpStatusCode.Conflict, notHers.StatusCode);
        }

        using (var handBack = await AsAsync(app, winner, HttpMethod.Post, $"api/console/calls/{callId}/handback"))
        {
            Assert.Equal(HttpStatusCode.Accepted, handBack.StatusCode);
        }

        await app.Node.Received<DisconnectAgent>().WaitAsync(OutboundFlowTests.Timeout);
        var disconnect = app.Node.CommandsFor(callId).OfType<DisconnectAgent>().Single();
        Assert.Equal((connect.LegId, 4L), (disconnect.LegId, disconnect.Sequence));
        using (var hangup = await AsAsync(app, winner, HttpMethod.Post, $"api/console/calls/{callId}/hangup"))
        {
            Assert.Equal(HttpStatusCode.NoContent, hangup.StatusCode);
        }

        await app.Node.Received<Hangup>().WaitAsync(OutboundFlowTests.Timeout);
        Assert.Equal(5, app.Node.CommandsFor(callId).OfType<Hangup>().Single().Sequence);
        Assert.Equal("ended", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_queue_hold_prompt_reaches_the_node_in_the_plan_unless_the_step_names_its_own_and_a_bad_one_is_refused()
    {
        await using var app = await CallingApp.StartAsync();
        using var admin = app.Host.CreateClient(app.Host.Keys.MasterKey);
        using (var bad = await admin.PutAsJsonAsync(new Uri("api/console/queues/sales", UriKind.Relative), new { holdPrompt = "https://elsewhere.example/hold.wav" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("holdPrompt", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var queue = await admin.PutAsJsonAsync(new Uri("api/console/queues/sales", UriKind.Relative), new { holdPrompt = "beep" }))
        {
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        }

        using var dial = await app.DialAsync(new
        {
            to = "+14155550123",
            audio = new
            {
                steps = new object[]
                {
                    new { connectAgent = new { queue = "sales", timeoutSeconds = 30 } },
                    new { connectAgent = new { queue = "sales", timeoutSeconds = 30, holdPrompt = "own-hold" } },
                    new { connectAgent = new { queue = "other", timeoutSeconds = 30 } },
                },
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, dial.StatusCode);
        var callId = await app.Node.Received<StartOutbound>().WaitAsync(OutboundFlowTests.Timeout);
        var plan = app.Node.CommandsFor(callId).OfType<StartOutbound>().Single().AudioPlan!.Value.GetProperty("steps");
        string? Hold(int i) => plan[i].GetProperty("connectAgent").TryGetProperty("holdPrompt", out var h) ? h.GetString() : null;
        Assert.Equal(("beep", "own-hold", (string?)null), (Hold(0), Hold(1), Hold(2)));
    }

    [Fact]
    public async Task A_longest_idle_queue_rings_one_agent_and_a_decline_passes_the_call_on()
    {
        await using var app = await CallingApp.StartAsync();
        using (var queue = await app.Host.CreateClient(app.Host.Keys.MasterKey).PutAsJsonAsync(
            new Uri("api/console/queues/sales", UriKind.Relative), new { ringStrategy = "longestIdle" }))
        {
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        }

        // A principal is not the master key: queue set-up refuses it.
        using (var asAgent = await AsAsync(app, Alice, HttpMethod.Put, "api/console/queues/sales", new { ringStrategy = "all" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, asAgent.StatusCode);
        }

        var callId = await ConnectedCallAsync(app);
        await AvailableAsync(app, Alice); // idle first: longest idle
        await AvailableAsync(app, Bob);
        await app.Node.PostAsync(new AgentRequested { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Queue = "sales", TimeoutSeconds = 60 });
        Assert.Equal([callId], await RingingAsync(app, Alice));
        Assert.Empty(await RingingAsync(app, Bob));

        using (var decline = await AsAsync(app, Alice, HttpMethod.Post, $"api/console/calls/{callId}/decline"))
        {
            Assert.Equal(HttpStatusCode.NoContent, decline.StatusCode);
        }

        Assert.Empty(await RingingAsync(app, Alice));
        Assert.Equal([callId], await RingingAsync(app, Bob));

        // Nobody took it: the node's onNoAgent runs and the call vanishes.
        await app.Node.PostAsync(new AgentRequestEnded
        {
            CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Queue = "sales", Reason = AgentRequestEndReason.Timeout,
        });
        Assert.Empty(await RingingAsync(app, Bob));
        using var late = await AsAsync(app, Bob, HttpMethod.Post, $"api/console/calls/{callId}/accept");
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task The_page_is_served_without_a_key_and_bad_console_input_is_a_problem()
    {
        await using var app = await CallingApp.StartAsync(runNode: false);
        using (var page = await app.Anonymous.GetAsync(new Uri("api/console", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<h1>Agent console</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var script = await app.Anonymous.GetAsync(new Uri("api/console/assets/console.js", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }

        using (var presence = await AsAsync(app, Alice, HttpMethod.Put, "api/console/presence", new { available = "yes" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, presence.StatusCode);
            Assert.Equal("application/problem+json", presence.Content.Headers.ContentType?.MediaType);
        }

        using var dial = await AsAsync(app, Alice, HttpMethod.Post, "api/console/dial", new { to = "not a number" });
        Assert.Equal(HttpStatusCode.BadRequest, dial.StatusCode);
    }

    [Fact]
    public async Task An_outbound_console_call_asks_for_its_own_agent_and_without_permission_offers_the_request()
    {
        await using var app = await CallingApp.StartAsync();
        app.Graph.PermissionsJson = FakeGraph.Permissions("no_permission");
        const string Unpermitted = "14155550999"; // another user than the one called below: permission answers are cached per user
        using (var refused = await AsAsync(app, Alice, HttpMethod.Post, "api/console/dial", new { to = "+" + Unpermitted }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.EndsWith("call-permission-missing", (await CallingApp.ReadJsonAsync(refused)).GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        // The page's "ask for permission" reaches the permission API as the signed-in agent (this fake Graph has no
        // messages edge, so the request itself fails there: a problem from that API, not a sign-in refusal or 404).
        using (var ask = await AsAsync(app, Alice, HttpMethod.Post, $"api/console/permissions/{Unpermitted}/request"))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, ask.StatusCode);
            Assert.NotEqual(HttpStatusCode.NotFound, ask.StatusCode);
        }

        using (var keyOnly = await app.Client.PostAsync(new Uri($"api/console/permissions/{Unpermitted}/request", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, keyOnly.StatusCode);
        }

        app.Graph.PermissionsJson = FakeGraph.Permissions("temporary", expires: app.Time.GetUtcNow().AddDays(6));
        string callId;
        using (var placed = await AsAsync(app, Alice, HttpMethod.Post, "api/console/dial", new { to = "+" + CallingApp.User }))
        {
            Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
            callId = (await CallingApp.ReadJsonAsync(placed)).GetProperty("id").GetString()!;
        }

        // The plan the node gets connects the placing agent, and only that agent: the call is theirs when the node asks.
        await app.Node.Acked<OfferReady>(callId).WaitAsync(OutboundFlowTests.Timeout);
        var start = app.Node.CommandsFor(callId).OfType<StartOutbound>().Single();
        var step = start.AudioPlan!.Value.GetProperty("steps")[0].GetProperty("connectAgent");
        Assert.Equal("agent.oid-alice", step.GetProperty("queue").GetString());
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(FakeGraph.WacidFor(1)));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(OutboundFlowTests.Timeout);
        await AvailableAsync(app, Bob);
        await app.Node.PostAsync(new AgentRequested { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Queue = "agent.oid-alice", TimeoutSeconds = 30 });
        Assert.Empty(await RingingAsync(app, Bob));
        using var offer = await AsAsync(app, Alice, HttpMethod.Post, $"api/console/calls/{callId}/offer", new { sdp = Offer });
        Assert.Equal(HttpStatusCode.Accepted, offer.StatusCode);
        await app.Node.Received<ConnectAgent>().WaitAsync(OutboundFlowTests.Timeout);
    }
}
