using System.Net;
using Serverless.Functions.Callbacks;
using static Serverless.Functions.Tests.Callbacks.CallbackHarness;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>The address is checked again when connecting, so a name that re-resolves to a private address is refused.</summary>
public sealed class CallbackRebindingTests
{
    [Fact]
    public async Task A_name_that_rebinds_to_loopback_after_validation_is_never_connected()
    {
        await using var receiver = await CallbackReceiver.StartAsync(Secret, () => T0, CallbackReceiver.FreePort());
        var port = new Uri(receiver.Url).Port;
        var lookups = 0;
        // First lookup (dial-time validation) answers a public address; later ones answer loopback, as a rebinding
        // attacker's DNS would. Loopback is NOT allowed here.
        await using var h = Start(allowLoopback: false, resolve: _ => Interlocked.Increment(ref lookups) == 1
            ? [IPAddress.Parse("93.184.216.34")]
            : [IPAddress.Loopback]);
        var url = $"https://rebind.example.com:{port}/hooks/calls";
        var policy = (CallbackUrlPolicy)h.Services.GetService(typeof(CallbackUrlPolicy))!;

        Assert.True((await policy.ValidateAsync(url)).IsAllowed);
        await h.Dispatcher.EnqueueAsync(url, Event("evt-rebind"));
        var summary = await h.Dispatcher.DrainAsync();

        Assert.Equal(new CallbackDrainSummary(0, 0, 1), summary);
        Assert.Empty(receiver.Received);
        var state = await h.Dispatcher.GetDeliveryAsync(url, "evt-rebind");
        Assert.Contains("Loopback", state!.LastError, StringComparison.Ordinal);
    }
}
