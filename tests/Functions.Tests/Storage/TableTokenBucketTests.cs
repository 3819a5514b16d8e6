using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Storage;
using Serverless.Functions.Tests.Calls;

namespace Serverless.Functions.Tests.Storage;

/// <summary>
/// The app-wide bucket on Azurite: two <see cref="TableTokenBucket"/> objects over one row stand for two Functions
/// instances (each has its own), sharing one (fake) clock.
/// </summary>
public sealed class TableTokenBucketTests
{
    private static (TableTokenBucket A, TableTokenBucket B, FakeTimeProvider Time) TwoInstances(double perSecond, double burst)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var table = AzuriteTables.Client().GetTableClient(AzuriteTables.UniquePrefix() + "Rates");
        TableTokenBucket Instance() => new(table, new TableInit(() => table.CreateIfNotExistsAsync()), "limit", perSecond, burst, time);
        return (Instance(), Instance(), time);
    }

    [Fact]
    public async Task Two_instances_share_one_burst_and_one_refill()
    {
        var (a, b, time) = TwoInstances(perSecond: 5, burst: 5);

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            waits.Add(await (i % 2 == 0 ? a : b).TryTakeAsync());
        }

        Assert.Equal(5, waits.Count(w => w == TimeSpan.Zero));
        Assert.All(waits.Skip(5), w => Assert.Equal(TimeSpan.FromMilliseconds(200), w));

        time.Advance(TimeSpan.FromMilliseconds(400)); // two tokens back, for both
        Assert.Equal(TimeSpan.Zero, await b.TryTakeAsync());
        Assert.Equal(TimeSpan.Zero, await a.TryTakeAsync());
        Assert.NotEqual(TimeSpan.Zero, await b.TryTakeAsync());
    }

    [Fact]
    public async Task Concurrent_takers_on_two_instances_never_take_more_than_the_burst()
    {
        var (a, b, _) = TwoInstances(perSecond: 1, burst: 10);

        var takes = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => (i % 2 == 0 ? a : b).TryTakeAsync()));

        Assert.InRange(takes.Count(w => w == TimeSpan.Zero), 1, 10);
        Assert.Equal(10, takes.Count(w => w == TimeSpan.Zero) + await a.TakeAllAsync());
    }

    [Fact]
    public async Task A_back_off_on_one_instance_holds_the_other_until_it_has_passed()
    {
        var (a, b, time) = TwoInstances(perSecond: 5, burst: 5);

        await a.BackOffAsync(TimeSpan.FromSeconds(2)); // Meta said 613 to instance a

        Assert.Equal(TimeSpan.FromSeconds(2), await b.TryTakeAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.Zero, await b.TryTakeAsync());
    }

    [Fact]
    public async Task Take_all_and_return_keep_the_count()
    {
        var (a, b, _) = TwoInstances(perSecond: 1, burst: 4);

        Assert.Equal(4, await a.TakeAllAsync());
        Assert.Equal(0, await b.TakeAllAsync());
        await a.ReturnAsync(3);
        Assert.Equal(3, await b.TakeAllAsync());
    }
}
