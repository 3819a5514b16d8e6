using Microsoft.Extensions.DependencyInjection;
using Serverless.MediaNode.Events;
using Serverless.Shared.Media;
using Serverless.Shared.Transport;
using Serverless.WebRtc.Peer;
using static Serverless.MediaNode.Host.Tests.TestKit;

namespace Serverless.MediaNode.Host.Tests;

/// <summary>Redelivery, capacity, an unreachable events endpoint, and shutdown with calls in flight.</summary>
public sealed class ReliabilityTests
{
    [Fact]
    public async Task RedeliveredStartOutbound_SameMessage_IsHandledOnce()
    {
        await using var node = await NodeHarness.StartAsync();
        var callId = NewCallId();
        var start = Outbound(callId);

        await node.Commands.SendAsync(start);
        await node.Commands.SendAsync(start); // the transport's redelivery of the same message
        await node.Events.WaitForAsync<OfferReady>(callId);
        await node.Commands.SendAsync(HangupOf(callId, node.NodeId, sequence: 1));
        await node.Events.WaitForAsync<MediaEnded>(callId);

        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
    }

    [Fact]
    public async Task ResentCommands_WithNewMessageIds_DoNothingTwice()
    {
        await using var node = await NodeHarness.StartAsync();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var callId = NewCallId();

        await handler.HandleAsync(Outbound(callId), CancellationToken.None);
        await handler.HandleAsync(Outbound(callId), CancellationToken.None);
        await node.Events.WaitUntilAsync(callId, e => e.Count >= 2, "two offers");
        var offers = node.Events.ForCall(callId).OfType<OfferReady>().ToList();
        Assert.Equal(2, offers.Count);
        Assert.Equal(offers[0].Sdp, offers[1].Sdp); // the same peer's offer, not a second call
        Assert.Equal(1, node.Sessions.ActiveCount);

        await handler.HandleAsync(HangupOf(callId, node.NodeId, 1), CancellationToken.None);
        await handler.HandleAsync(HangupOf(callId, node.NodeId, 2), CancellationToken.None);
        await handler.HandleAsync(Outbound(callId), CancellationToken.None); // stale start after the end
        await node.Events.WaitForAsync<MediaEnded>(callId);
        var outbox = node.App.Services.GetRequiredService<EventOutbox>();
        using var timeout = new CancellationTokenSource(Wait);
        await outbox.WaitUntilEmptyAsync(timeout.Token);

        Assert.Equal(["OfferReady", "OfferReady", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.Equal(0, node.Sessions.ActiveCount);
    }

    [Fact]
    public async Task Capacity_AFullNodeLeavesANewCallQueued_AndTakesItOnceThereIsRoom()
    {
        // Placement (issue 17): a node at MaxCalls asks the new-calls queue for nothing, so another node with room
        // takes the start; here there is none, so the start waits and this node takes it when its call ends.
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:MaxCalls"] = "1" });
        var first = NewCallId();
        var second = NewCallId();

        await node.Commands.SendAsync(Outbound(first));
        await node.Events.WaitForAsync<OfferReady>(first);
        await node.Commands.SendAsync(Outbound(second));
        await node.Commands.SendAsync(HangupOf(first, node.NodeId, 1));
        await node.Events.WaitForAsync<MediaEnded>(first);
        await node.Events.WaitForAsync<OfferReady>(second); // room again

        Assert.Equal(["OfferReady"], node.Events.ForCall(second).Select(e => e.MessageType)); // never refused
        Assert.Equal(1, node.Sessions.ActiveCount);
    }

    [Fact]
    public async Task EventsEndpointDown_EventsAreKeptAndDeliveredInOrderWhenItReturns()
    {
        await using var node = await NodeHarness.StartAsync();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var outbox = node.App.Services.GetRequiredService<EventOutbox>();
        var a = NewCallId();
        var b = NewCallId();
        node.Events.Down = true;

        await handler.HandleAsync(Outbound(a), CancellationToken.None);
        await handler.HandleAsync(Outbound(b), CancellationToken.None);
        await handler.HandleAsync(HangupOf(a, node.NodeId, 1), CancellationToken.None);
        await handler.HandleAsync(HangupOf(b, node.NodeId, 1), CancellationToken.None);
        await node.Events.WaitForRefusalsAsync(3); // the head was tried and retried

        Assert.Equal(4, outbox.Pending);
        Assert.Empty(node.Events.Events);

        node.Events.Down = false;
        await node.Events.WaitForAsync<MediaEnded>(a);
        await node.Events.WaitForAsync<MediaEnded>(b);

        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(a).Select(e => e.MessageType));
        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(b).Select(e => e.MessageType));
        Assert.Equal(0, node.Events.InvalidDeliveries);
        Assert.Equal(0, outbox.Dropped);
    }

    [Fact]
    public async Task AStartsMessage_IsSettledOnlyOnceItsOfferReachedTheFunctions()
    {
        // No lost start (issue 17): while the offer waits in the outbox the start's message stays this node's
        // (renewed, not completed), so a node dying now would leave the start to another node.
        await using var node = await NodeHarness.StartAsync();
        var settlements = node.App.Services.GetRequiredService<CommandProcessorFactory>().Settlements;
        var callId = NewCallId();
        node.Events.Down = true;

        await node.Commands.SendAsync(Outbound(callId));
        await node.Events.WaitForRefusalsAsync(2); // the offer was made and tried twice

        Assert.Equal(1, settlements.Pending);
        node.Events.Down = false;
        await node.Events.WaitForAsync<OfferReady>(callId);
        await settlements.WhenAllSettledAsync().WaitAsync(Wait);
        Assert.Equal(0, settlements.Pending);
    }

    [Fact]
    public async Task OneCallsHangingEventDelivery_DoesNotHoldUpOtherCalls_AndEachCallStaysInOrder()
    {
        // The node's events used to go one at a time: a call whose event POST hung held up every call on the node.
        await using var node = await NodeHarness.StartAsync();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var outbox = node.App.Services.GetRequiredService<EventOutbox>();
        var stuck = NewCallId();
        var others = new[] { NewCallId(), NewCallId(), NewCallId() };
        node.Events.HangCallId = stuck;

        await handler.HandleAsync(Outbound(stuck), CancellationToken.None);
        await handler.HandleAsync(HangupOf(stuck, node.NodeId, 1), CancellationToken.None);
        await node.Events.WaitForHungAsync(1); // its OfferReady is at the endpoint, unanswered
        foreach (var callId in others)
        {
            await handler.HandleAsync(Outbound(callId), CancellationToken.None);
            await handler.HandleAsync(HangupOf(callId, node.NodeId, 1), CancellationToken.None);
        }

        foreach (var callId in others)
        {
            await node.Events.WaitForAsync<MediaEnded>(callId);
            Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
        }

        Assert.Empty(node.Events.ForCall(stuck));
        Assert.All(node.Events.HungTypes, t => Assert.Equal("OfferReady", t)); // its MediaEnded waits behind its OfferReady, not beside it
        Assert.True(outbox.Pending >= 2); // the stuck call's two (the others' last removals may still be in flight)

        node.Events.ReleaseHung();
        await node.Events.WaitForAsync<MediaEnded>(stuck);
        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(stuck).Select(e => e.MessageType));
        Assert.Equal(0, node.Events.InvalidDeliveries);
    }

    [Fact]
    public async Task GracefulShutdown_CallsStillUpAtTheDrainDeadlineEachGetMediaEnded_WithReasonNodeDrained()
    {
        await using var node = await NodeHarness.StartAsync();
        using var meta = await PhoneFactoryAsync();
        var calls = new[] { NewCallId(), NewCallId() };
        var phones = new List<AudioPeer>();
        try
        {
            foreach (var callId in calls)
            {
                await node.Commands.SendAsync(Outbound(callId));
                var offer = await node.Events.WaitForAsync<OfferReady>(callId);
                var phone = meta.CreatePeer();
                phones.Add(phone);
                await node.Commands.SendAsync(Answer(callId, node.NodeId, phone.AcceptOffer(offer.Sdp)));
                await node.Events.WaitForAsync<MediaConnected>(callId);
            }

            await node.StopAsync(); // drain deadline (1 s) passes with both calls up: the node hangs them up

            foreach (var callId in calls)
            {
                Assert.Equal(["OfferReady", "MediaConnected", "MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
                var ended = node.Events.ForCall(callId).OfType<MediaEnded>().Single();
                Assert.True(ended.Stats.PacketsSent > 0);
                Assert.Equal(HangupReason.NodeDrained, ended.Reason); // the Functions end it node-drained, never Completed
            }

            Assert.Equal(0, node.Sessions.ActiveCount);
            Assert.True(node.Sessions.IsDraining);
        }
        finally
        {
            phones.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task NoAnswerWithinConnectTimeout_FailsWithTimeoutAndFreesTheSlot()
    {
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:ConnectTimeout"] = "00:00:00.300" });
        var callId = NewCallId();

        await node.Commands.SendAsync(Outbound(callId));
        var failed = await node.Events.WaitForAsync<MediaFailed>(callId);

        Assert.Equal(MediaFailureReason.Timeout, failed.Reason);
        Assert.Equal(["OfferReady", "MediaFailed"], node.Events.ForCall(callId).Select(e => e.MessageType));
        Assert.Equal(0, node.Sessions.ActiveCount);
    }

    [Fact]
    public async Task GracefulShutdown_LeavesNewCallsToOtherNodes_ButStillTakesHangupsForActiveOnes()
    {
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:DrainTimeout"] = "00:05:00" });
        var active = NewCallId();
        var late = NewCallId();
        await node.Commands.SendAsync(Outbound(active));
        await node.Events.WaitForAsync<OfferReady>(active);

        var stopping = node.StopAsync();
        await node.Sessions.DrainStarted.WaitAsync(Wait);
        await node.Commands.SendAsync(Outbound(late));
        await node.Commands.SendAsync(HangupOf(active, node.NodeId, 1)); // the receiver still runs while draining
        await node.Events.WaitForAsync<MediaEnded>(active);
        await stopping.WaitAsync(Wait); // the drain ends when the last call does, not at its 5 min deadline

        // A draining node has no room: the late start stays in the new-calls queue for a node that has (issue 17).
        Assert.Empty(node.Events.ForCall(late));
        Assert.Equal(["OfferReady", "MediaEnded"], node.Events.ForCall(active).Select(e => e.MessageType));
        Assert.Equal(HangupReason.Business, node.Events.ForCall(active).OfType<MediaEnded>().Single().Reason); // ended before the deadline: not drained
    }

    [Fact]
    public async Task Capacity_ConcurrentStarts_AdmitExactlyMaxCalls()
    {
        await using var node = await NodeHarness.StartAsync(new Dictionary<string, string?> { ["MediaNode:MaxCalls"] = "3" });
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var calls = Enumerable.Range(0, 8).Select(_ => NewCallId()).ToList();

        await Task.WhenAll(calls.Select(c => Task.Run(() => handler.HandleAsync(Outbound(c), CancellationToken.None))));
        foreach (var callId in calls)
        {
            await node.Events.WaitUntilAsync(callId, e => e.Count == 1, "one event");
        }

        var first = calls.Select(c => node.Events.ForCall(c).Single()).ToList();
        Assert.Equal(3, first.OfType<OfferReady>().Count());
        Assert.Equal(5, first.OfType<MediaFailed>().Count(f => f.Reason == MediaFailureReason.Capacity));
        Assert.Equal(3, node.Sessions.ActiveCount);
    }

    [Fact]
    public async Task AnEventRefusedForGood_IsSkipped_AndDoesNotBlockLaterEvents()
    {
        await using var node = await NodeHarness.StartAsync();
        var outbox = node.App.Services.GetRequiredService<EventOutbox>();
        node.Events.RejectType = nameof(OfferReady);
        var callId = NewCallId();

        var handler = node.App.Services.GetRequiredService<ICommandHandler>();

        await handler.HandleAsync(Outbound(callId), CancellationToken.None);
        await handler.HandleAsync(HangupOf(callId, node.NodeId, 1), CancellationToken.None);
        await node.Events.WaitForAsync<MediaEnded>(callId);
        using var timeout = new CancellationTokenSource(Wait);
        await outbox.WaitUntilEmptyAsync(timeout.Token); // the receiver records before the node removes the head

        Assert.Equal(["MediaEnded"], node.Events.ForCall(callId).Select(e => e.MessageType));
    }

    [Fact]
    public async Task AHangupThatOvertookItsStart_KeepsTheLateStartFromOpeningTheCall()
    {
        await using var node = await NodeHarness.StartAsync();
        var handler = node.App.Services.GetRequiredService<ICommandHandler>();
        var outbox = node.App.Services.GetRequiredService<EventOutbox>();
        var callId = NewCallId();

        await handler.HandleAsync(HangupOf(callId, node.NodeId, 1), CancellationToken.None);
        await handler.HandleAsync(Outbound(callId), CancellationToken.None);

        Assert.Equal(0, node.Sessions.ActiveCount);
        Assert.Equal(0, outbox.Pending);
        Assert.Empty(node.Events.ForCall(callId));
    }
}
