using Microsoft.Extensions.Time.Testing;
using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

public class InMemoryIdempotencyStoreTests
{
    [Fact]
    public async Task Marked_id_is_seen_until_its_retention_ends()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryIdempotencyStore(time, TimeSpan.FromMinutes(10));

        Assert.False(await store.IsProcessedAsync("m1", CancellationToken.None));
        await store.MarkProcessedAsync("m1", CancellationToken.None);
        Assert.True(await store.IsProcessedAsync("m1", CancellationToken.None));
        Assert.False(await store.IsProcessedAsync("m2", CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(await store.IsProcessedAsync("m1", CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_drops_only_expired_ids()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryIdempotencyStore(time, TimeSpan.FromMinutes(10));
        await store.MarkProcessedAsync("old", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6));
        await store.MarkProcessedAsync("new", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));

        store.Sweep();

        Assert.Equal(1, store.Count);
        Assert.True(await store.IsProcessedAsync("new", CancellationToken.None));
    }
}
