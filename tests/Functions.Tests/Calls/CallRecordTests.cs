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

        Assert.Equal((CallState.Preparing, CallScenarios.T0.AddSeconds(30)), (outbound.State, outbound.Deadline!.Value));
        Assert.Equal((CallState.Offered, CallScenarios.T0.AddSeconds(60)), (inbound.State, inbound.Deadline!.Value));
        Assert.Equal(CallScenarios.Wacid, inbound.Wacid);
        Assert.Null(outbound.Outcome);
    }

    [Fact]
    public void Call_ids_are_valid_unique_and_sort_by_creation_time()
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
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.False(CallIds.IsValid("call_short"));
        Assert.False(CallIds.IsValid("call_01JDQ000000000000000000UUU")); // U is not Crockford base32
    }
}
