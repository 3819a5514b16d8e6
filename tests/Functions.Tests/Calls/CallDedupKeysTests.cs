using Serverless.Functions.Calls;

namespace Serverless.Functions.Tests.Calls;

public sealed class CallDedupKeysTests
{
    [Fact]
    public void Same_fact_maps_to_the_same_key_whatever_the_casing_Meta_used()
    {
        Assert.Equal(CallDedupKeys.WebhookStatus("wacid.A", "ringing"), CallDedupKeys.WebhookStatus("wacid.A", "RINGING"));
        Assert.Equal(CallDedupKeys.WebhookCallEvent("wacid.A", "Terminate"), CallDedupKeys.WebhookCallEvent("wacid.A", "terminate"));
    }

    [Fact]
    public void Different_facts_never_share_a_key()
    {
        var deadline = CallScenarios.T0;
        string[] keys =
        [
            CallDedupKeys.WebhookCallEvent("wacid.A", "connect"),
            CallDedupKeys.WebhookCallEvent("wacid.A", "terminate"),
            CallDedupKeys.WebhookCallEvent("wacid.B", "connect"),
            CallDedupKeys.WebhookStatus("wacid.A", "RINGING"),
            CallDedupKeys.WebhookStatus("wacid.A", "ACCEPTED"),
            CallDedupKeys.MediaEvent("evt-1"),
            CallDedupKeys.GraphAction("call_1", "connect"),
            CallDedupKeys.GraphAction("call_1", "accept"),
            CallDedupKeys.ApiHangup("call_1"),
            CallDedupKeys.Sweep("call_1", deadline),
            CallDedupKeys.Sweep("call_1", deadline.AddSeconds(1)),
        ];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Empty_parts_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => CallDedupKeys.MediaEvent(""));
    }
}
