using System.Net;
using System.Net.Http.Headers;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Tests.Flows;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;

namespace Serverless.Functions.Tests.MediaEvents;

/// <summary>
/// Each MediaNode signs with its own key and speaks only for its own calls: node-2's key (leaked, or a misbehaving
/// node) can neither sign as node-1 nor end or change a call node-1 owns. Over real HTTP against the whole app.
/// </summary>
public sealed class NodeTrustTests
{
    private static readonly TimeSpan Timeout = OutboundFlowTests.Timeout;

    [Fact]
    public async Task Another_nodes_signed_MediaEnded_for_a_live_call_is_409_and_changes_nothing()
    {
        await using var app = await CallingApp.StartAsync();
        var (callId, before) = await ConnectedCallAsync(app);

        using var response = await app.OtherNode().SendAsync(new MediaEnded
        {
            CallId = callId, NodeId = "node-2", CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats,
        });
        await AssertProblemAsync(response, HttpStatusCode.Conflict, "not-call-owner");

        foreach (var evt in new MediaEvent[]
        {
            new MediaFailed { CallId = callId, NodeId = "node-2", CreatedAt = app.Time.GetUtcNow(), Reason = MediaFailureReason.IceFailed },
            new PlaybackFinished { CallId = callId, NodeId = "node-2", CreatedAt = app.Time.GetUtcNow() },
        })
        {
            using var other = await app.OtherNode().SendAsync(evt);
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        }

        var after = await app.GetCallAsync(callId);
        Assert.Equal("connected", after.GetProperty("state").GetString());
        Assert.Equal(OutboundFlowTests.Triggers(before), OutboundFlowTests.Triggers(after));
        Assert.Equal(["connect"], app.Graph.Actions);
        Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is Hangup);
    }

    [Fact]
    public async Task Node_2s_key_cannot_sign_an_event_as_node_1()
    {
        await using var app = await CallingApp.StartAsync();
        var (callId, before) = await ConnectedCallAsync(app);
        var evt = new MediaEnded { CallId = callId, NodeId = "node-1", CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats };
        var body = MediaMessageSerializer.Serialize(evt);
        var node2Signature = new MediaEventSigner(new HmacSha256Signature(CallingApp.OtherNodeSecret), app.Time).Sign(body);

        // Claiming to be node-1 in the header: verified with node-1's key, so node-2's MAC fails.
        using (var asNode1 = await PostAsync(app, body, node2Signature, "node-1"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, asNode1.StatusCode);
        }

        // Honest header, body naming node-1: the MAC is node-2's and valid, but a key speaks only for its own node.
        using (var bodyClaimsNode1 = await PostAsync(app, body, node2Signature, "node-2"))
        {
            await AssertProblemAsync(bodyClaimsNode1, HttpStatusCode.Forbidden, "media-node-mismatch");
        }

        // A node the deployment has no key for cannot deliver at all.
        using (var unknown = await PostAsync(app, body, node2Signature, "node-9"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        var after = await app.GetCallAsync(callId);
        Assert.Equal("connected", after.GetProperty("state").GetString());
        Assert.Equal(OutboundFlowTests.Triggers(before), OutboundFlowTests.Triggers(after));
        Assert.Equal(["connect"], app.Graph.Actions);
    }

    [Fact]
    public async Task The_owning_nodes_MediaEnded_still_ends_its_call()
    {
        await using var app = await CallingApp.StartAsync();
        var (callId, _) = await ConnectedCallAsync(app);

        await app.Node.PostAsync(new MediaEnded
        {
            CallId = callId, NodeId = "node-1", CreatedAt = app.Time.GetUtcNow(), Stats = MediaNodeDouble.FinalStats,
        });

        Assert.Equal("ended", (await app.GetCallAsync(callId)).GetProperty("state").GetString());
        Assert.Equal(["connect", "terminate"], app.Graph.Actions);
    }

    [Fact]
    public async Task Another_nodes_offer_for_a_claimed_call_is_409_and_that_node_is_told_to_drop_its_peer()
    {
        await using var app = await CallingApp.StartAsync();
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);

        using var response = await app.OtherNode().SendAsync(new OfferReady
        {
            CallId = callId, NodeId = "node-2", CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp,
        });

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "not-call-owner");
        // The Hangup for node-2's orphan peer waits on node-2's own queue (nobody consumes it here).
        Assert.Equal(1, app.Bus.CountReady(new MediaTransportOptions().QueueNames().ForNode("node-2")));
        var call = await app.GetCallAsync(callId);
        Assert.Equal("ringing", call.GetProperty("state").GetString());
        Assert.Equal(["connect"], app.Graph.Actions);
    }

    [Fact]
    public async Task Two_nodes_offering_for_one_call_at_once_the_first_offer_wins_one_connect_and_the_other_node_drops_its_peer()
    {
        // A start that ran on two nodes (its first node's renewal came late, or it died after the hand-over and before
        // the delete): both offers race; the call's ETag lets one claim it.
        await using var app = await CallingApp.StartAsync();
        app.Node.Outbound = OutboundScript.Silent;
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Received<StartOutbound>().WaitAsync(Timeout);

        var offers = await Task.WhenAll(
            app.Node.SendAsync(new OfferReady { CallId = callId, NodeId = app.Node.NodeId, CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp }),
            app.OtherNode().SendAsync(new OfferReady { CallId = callId, NodeId = "node-2", CreatedAt = app.Time.GetUtcNow(), Sdp = MediaNodeDouble.OfferSdp }));
        try
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], offers.Select(r => r.StatusCode).Order());
            var winner = offers[0].StatusCode == HttpStatusCode.OK ? app.Node.NodeId : "node-2";
            var loser = winner == "node-2" ? app.Node.NodeId : "node-2";

            Assert.Equal(["connect"], app.Graph.Actions);
            var call = await app.GetCallAsync(callId);
            Assert.Equal("ringing", call.GetProperty("state").GetString());
            // The loser is told to drop its peer on its own queue; the winner gets nothing.
            var names = new MediaTransportOptions().QueueNames();
            if (loser == "node-2")
            {
                Assert.Equal(1, app.Bus.CountReady(names.ForNode("node-2")));
                Assert.DoesNotContain(app.Node.CommandsFor(callId), c => c is Hangup);
            }
            else
            {
                Assert.Equal(0, app.Bus.CountReady(names.ForNode("node-2")));
                await app.Node.Received<Hangup>().WaitAsync(Timeout);
            }
        }
        finally
        {
            foreach (var offer in offers)
            {
                offer.Dispose();
            }
        }
    }

    private static async Task<(string CallId, System.Text.Json.JsonElement Call)> ConnectedCallAsync(CallingApp app)
    {
        var callId = await CallEndingTests.DialAsync(app);
        await app.Node.Acked<OfferReady>(callId).WaitAsync(Timeout);
        var wacid = FakeGraph.WacidFor(1);
        await app.DeliverAsync(MetaWebhooks.OutboundAnswer(wacid));
        await app.Node.Acked<MediaConnected>(callId).WaitAsync(Timeout);
        var call = await app.GetCallAsync(callId);
        Assert.Equal("connected", call.GetProperty("state").GetString());
        return (callId, call);
    }

    private static async Task<HttpResponseMessage> PostAsync(CallingApp app, byte[] body, SignedEventHeaders headers, string node)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/media/events") { Content = content };
        request.Headers.Add(MediaEventSigner.SignatureHeaderName, headers.Signature);
        request.Headers.Add(MediaEventSigner.TimestampHeaderName, headers.Timestamp);
        request.Headers.Add(MediaEventSigner.NodeHeaderName, node);
        return await app.Anonymous.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await CallingApp.ReadJsonAsync(response);
        Assert.Equal("https://errors.serverless-calling.dev/" + type, problem.GetProperty("type").GetString());
    }
}
