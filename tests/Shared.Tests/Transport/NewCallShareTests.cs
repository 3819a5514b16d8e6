using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

public class NewCallShareTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private static PeerLoad Peer(string id, int active, int max = 100, int? free = null, TimeSpan? age = null) =>
        new(id, active, max, free ?? (max - active), Now - (age ?? TimeSpan.Zero), Interval);

    [Fact]
    public void Without_fresh_peers_the_room_is_the_free_capacity()
    {
        Assert.Equal(40, NewCallShare.Room(60, 100, 40, [], Now));
        // A peer whose row is older than two of its intervals is gone (dead, cut off): it holds nobody back.
        Assert.Equal(40, NewCallShare.Room(60, 100, 40, [Peer("b", 10, age: TimeSpan.FromSeconds(4.1))], Now));
    }

    [Fact]
    public void A_node_above_the_mean_leaves_new_calls_to_the_emptier_peers()
    {
        // Mean of 60 (this node) and 40: 50. This node is 10 above it: no room although 40 slots are free.
        Assert.Equal(0, NewCallShare.Room(60, 100, 40, [Peer("b", 40)], Now));
        // The emptier peer sees the same mean and may take calls up to one past it.
        Assert.Equal(11, NewCallShare.Room(40, 100, 60, [Peer("a", 60)], Now));
        // Level with the mean: one more call, no further (Slack 0).
        Assert.Equal(1, NewCallShare.Room(50, 100, 50, [Peer("b", 50)], Now));
        Assert.Equal(0, NewCallShare.Room(51, 100, 49, [Peer("b", 50)], Now));
        Assert.Equal(0, NewCallShare.Room(52, 100, 48, [Peer("b", 50), Peer("c", 50)], Now));
    }

    [Fact]
    public void Full_or_draining_peers_and_the_nodes_own_row_are_no_one_to_leave_a_call_to()
    {
        // A draining or full peer reports FreeCapacity 0: it is left out of the mean.
        Assert.Equal(40, NewCallShare.Room(60, 100, 40, [Peer("b", 10, free: 0)], Now));
        var share = new NewCallShare("a", new FakeTimeProvider(Now));
        share.Observe([Peer("a", 0), Peer("b", 60)]);
        Assert.Equal(1, share.Room(60, 100, 40));
    }

    [Fact]
    public void Unequal_nodes_share_by_size_and_never_beyond_their_free_capacity()
    {
        // A 10-call node at 5 beside a 100-call node at 20 %: the mean load is 35 %, 3 calls of 10; it is above.
        Assert.Equal(0, NewCallShare.Room(5, 10, 5, [Peer("big", 20)], Now));
        Assert.Equal(1, NewCallShare.Room(2, 10, 8, [Peer("big", 20)], Now));
        Assert.Equal(1, NewCallShare.Room(0, 100, 1, [Peer("b", 90)], Now));
        Assert.Equal(0, NewCallShare.Room(0, 100, 0, [Peer("b", 90)], Now));
    }

    [Fact]
    public void A_node_held_back_by_an_old_view_asks_for_a_fresh_read_at_most_once_per_refresh_period()
    {
        var time = new FakeTimeProvider(Now);
        var share = new NewCallShare("a", time);
        var asked = 0;
        share.RefreshWanted += () => asked++;
        share.Observe([Peer("b", 40)]);

        Assert.Equal(0, share.Room(60, 100, 40));
        Assert.Equal(0, asked);
        time.Advance(NewCallShare.RefreshWhenHeld);
        Assert.Equal(0, share.Room(60, 100, 40));
        Assert.Equal(0, share.Room(60, 100, 40));
        Assert.Equal(1, asked);

        // Not held back: no read wanted, however old the view.
        time.Advance(NewCallShare.RefreshWhenHeld * 3);
        Assert.Equal(1, share.Room(40, 100, 60));
        Assert.Equal(1, asked);
    }
}
