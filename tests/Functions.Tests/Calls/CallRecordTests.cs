using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Tests.Calls;

public sealed class CallRecordTests
{
    [Fact]
    public void ToString_masks_the_users_phone_number()
    {
        var call = CallScenarios.NewOutbound();

        var text = call.ToString();

        Assert.DoesNotContain("16315553602", text, StringComparison.Ordinal);
        Assert.Contains("user=16******602", text, StringComparison.Ordinal);
        Assert.Contains(call.CallId, text, StringComparison.Ordinal);
    }

    [Fact]
    public void New_calls_start_in_their_first_state_with_its_deadline()
    {
        var outbound = CallScenarios.NewOutbound();
        var inbound = CallScenarios.NewInbound();

        // No node has claimed a new call yet: its deadline is the placement window (10 s), not the state's own.
        Assert.Equal((CallState.Preparing, CallScenarios.T0.AddSeconds(10)), (outbound.State, outbound.Deadline!.Value));
        Assert.Equal((CallState.Offered, CallScenarios.T0.AddSeconds(10)), (inbound.State, inbound.Deadline!.Value));
        Assert.Equal(CallScenarios.Wacid, inbound.Wacid);
        Assert.Null(outbound.Outcome);
    }

    [Fact]
    public void Call_ids_are_valid_unique_and_sort_newest_first()
    {
        var clock = new FakeTimeProvider(CallScenarios.T0);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(CallIds.New(clock));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.All(ids, id => Assert.True(CallIds.IsValid(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Enumerable.Reverse(ids), ids.Order(StringComparer.Ordinal));
        Assert.False(CallIds.IsValid("call_short"));
        Assert.False(CallIds.IsValid("call_01JDQ000000000000000000UUU")); // U is not Crockford base32
    }

    [Fact]
    public void The_since_bound_admits_exactly_the_ids_made_at_or_after_it()
    {
        var clock = new FakeTimeProvider(CallScenarios.T0);
        var before = CallIds.New(clock);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var since = clock.GetUtcNow();
        var at = Enumerable.Range(0, 20).Select(_ => CallIds.New(clock)).ToList();
        clock.Advance(TimeSpan.FromDays(400));
        var after = CallIds.New(clock);

        var bound = CallIds.UpperBoundCreatedSince(since);

        Assert.True(CallIds.IsValid(bound));
        Assert.True(string.CompareOrdinal(before, bound) > 0, before);
        Assert.All(at.Append(after), id => Assert.True(string.CompareOrdinal(id, bound) <= 0, id));
    }
}
