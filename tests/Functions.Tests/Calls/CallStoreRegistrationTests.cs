using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Tests.Calls;

public sealed class CallStoreRegistrationTests
{
    [Fact]
    public void AddCallStore_resolves_one_table_store_with_the_configured_options()
    {
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddCallStore(o =>
            {
                o.TablePrefix = "Prod1";
                o.Timeouts = CallTimeouts.Default with { Ringing = TimeSpan.FromSeconds(45) };
            })
            .BuildServiceProvider();

        var store = provider.GetRequiredService<ICallStore>();
        var machine = provider.GetRequiredService<CallStateMachine>();
        var options = provider.GetRequiredService<IOptions<CallStoreOptions>>().Value;

        Assert.Same(provider.GetRequiredService<TableCallStore>(), store);
        Assert.Equal(TimeSpan.FromSeconds(45), machine.Timeouts.Ringing);
        Assert.Equal(["Prod1Calls", "Prod1Wacids", "Prod1Idempotency"], new[] { options.CallsTable, options.WacidIndexTable, options.IdempotencyTable });
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    [InlineData("ThisPrefixIsFarTooLongForAzureTableNamesXYZ")]
    public void Invalid_table_prefix_is_rejected_when_the_store_is_built(string prefix)
    {
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddCallStore(o => o.TablePrefix = prefix)
            .BuildServiceProvider();

        Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<ICallStore>());
    }
}
