using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MediaNode.Events;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class EventOutboxTests
{
    private static MediaConnected Event(string callId) => new() { CallId = callId, CreatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void KeepsEachCallsEventsInOrder_AndHandsOutOtherCallsWhileOneIsOut()
    {
        var outbox = new EventOutbox(10, NullLogger<EventOutbox>.Instance);
        var a1 = Event("a");
        var a2 = Event("a");
        var b1 = Event("b");
        outbox.Enqueue(a1);
        outbox.Enqueue(a2);
        outbox.Enqueue(b1);

        Assert.Same(a1, outbox.TryTake());
        Assert.Same(b1, outbox.TryTake()); // a's next waits for a1; b does not
        Assert.Null(outbox.TryTake());
        Assert.Throws<InvalidOperationException>(() => outbox.Complete(a2)); // not taken: a1 is still out

        outbox.Complete(a1);
        Assert.Same(a2, outbox.TryTake());
        Assert.Equal(2, outbox.Pending); // b1 and a2 are out, not done
        outbox.Complete(b1);
        outbox.Complete(a2);
        Assert.Equal(0, outbox.Pending);
        Assert.Null(outbox.TryTake());
    }

    [Fact]
    public void ServesCallsInTurn()
    {
        var outbox = new EventOutbox(10, NullLogger<EventOutbox>.Instance);
        var a1 = Event("a");
        var a2 = Event("a");
        var b1 = Event("b");
        outbox.Enqueue(a1);
        outbox.Enqueue(a2);
        outbox.Enqueue(b1);

        outbox.Complete(Assert.IsType<MediaConnected>(outbox.TryTake()));
        Assert.Same(b1, outbox.TryTake()); // a goes to the back after each delivery
        Assert.Same(a2, outbox.TryTake());
    }

    [Fact]
    public void WhenFull_RefusesAndCountsTheDrop()
    {
        var outbox = new EventOutbox(2, NullLogger<EventOutbox>.Instance);

        Assert.True(outbox.Enqueue(Event("a")));
        Assert.True(outbox.Enqueue(Event("b")));
        Assert.False(outbox.Enqueue(Event("c")));

        Assert.Equal(2, outbox.Pending);
        Assert.Equal(1, outbox.Dropped);
    }

    [Fact]
    public async Task WaitUntilEmpty_CompletesWhenTheLastEventIsRemoved()
    {
        var outbox = new EventOutbox(4, NullLogger<EventOutbox>.Instance);
        var only = Event("a");
        outbox.Enqueue(only);
        var empty = outbox.WaitUntilEmptyAsync(CancellationToken.None);
        Assert.False(empty.IsCompleted);

        Assert.Same(only, outbox.TryTake());
        Assert.False(empty.IsCompleted); // taken is not delivered
        outbox.Complete(only);

        await empty.WaitAsync(TestKit.Wait);
    }

    [Fact]
    public async Task ATrackedEvent_IsHandedOverWhenCompleted_NotWhenTaken()
    {
        var outbox = new EventOutbox(4, NullLogger<EventOutbox>.Instance);
        var offer = Event("a");
        var handedOver = outbox.EnqueueTracked(offer);

        Assert.Same(offer, outbox.TryTake());
        Assert.False(handedOver.IsCompleted); // on its way, not yet answered
        outbox.Complete(offer);

        Assert.True(await handedOver.WaitAsync(TestKit.Wait));
    }
    [Fact]
    public async Task ATrackedEvent_RefusedByAFullOutbox_OrLeftWhenTheNodeStops_IsNotHandedOver()
    {
        var outbox = new EventOutbox(1, NullLogger<EventOutbox>.Instance);
        var queued = outbox.EnqueueTracked(Event("a"));
        var refused = outbox.EnqueueTracked(Event("b"));

        Assert.False(await refused.WaitAsync(TestKit.Wait));
        Assert.False(queued.IsCompleted);
        outbox.AbandonTracked(); // the dispatcher stopped with it undelivered

        Assert.False(await queued.WaitAsync(TestKit.Wait));
    }
}
