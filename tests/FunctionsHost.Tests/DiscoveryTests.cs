using Microsoft.Extensions.Configuration;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed partial class DiscoveryTests
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    private static FunctionDiscoveryException Fails(Type type) =>
        Assert.Throws<FunctionDiscoveryException>(() => FunctionCatalog.Discover([type], Empty));

    [Fact]
    public void Duplicate_route_with_overlapping_method_names_both_functions()
    {
        var error = Fails(typeof(DuplicateRoutes));

        Assert.Equal("ListB", error.FunctionName);
        Assert.Contains("ListA", error.Message, StringComparison.Ordinal);
        Assert.Contains("dup/{id}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trigger_without_methods_overlaps_every_method_on_the_same_route()
    {
        var error = Fails(typeof(DuplicateRouteWithAnyMethod));

        Assert.Contains("Specific", error.Message, StringComparison.Ordinal);
        Assert.Contains("Everything", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_template_with_disjoint_methods_or_constraints_is_accepted()
    {
        var catalog = FunctionCatalog.Discover([typeof(DisjointMethodsAndConstraints)], Empty);

        Assert.Equal(["DeleteThing", "GetThing", "GetThingByGuid", "GetThingByNumber"], catalog.Http.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Startup_fails_with_the_discovery_error()
    {
        // Through the public entry point: an assembly whose exported functions are all fine starts; the
        // broken internal samples prove the error path above. Here: a bad app setting stops StartAsync.
        var options = new FunctionsTestHostOptions(typeof(TestHosts).Assembly) { IncludeEnvironmentVariables = false };

        var error = await Assert.ThrowsAsync<FunctionDiscoveryException>(() => FunctionsTestHost.StartAsync(options));

        Assert.Equal("SweepFromSetting", error.FunctionName);
        Assert.Contains("SweepSchedule", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(DuplicateNames), "Same", "name is used by both")]
    [InlineData(typeof(UnsupportedParameter), "TakesUnbindable", "parameter 'value'")]
    [InlineData(typeof(RequestDataTrigger), "UsesRequestData", "HttpRequestData is not supported")]
    [InlineData(typeof(MvcFromBody), "UsesMvcFromBody", "Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute")]
    [InlineData(typeof(UnsupportedReturn), "ReturnsString", "return type String")]
    [InlineData(typeof(FiveFieldCron), "UnixCron", "has 5 fields")]
    [InlineData(typeof(MissingScheduleSetting), "NoSetting", "'NotConfigured'")]
    [InlineData(typeof(NoTrigger), "Triggerless", "0 trigger parameters")]
    [InlineData(typeof(BadQueueName), "UpperCaseQueue", "not a valid storage queue name")]
    [InlineData(typeof(QueueAsInt), "IntQueue", "string, BinaryData, byte[] or QueueMessage")]
    [InlineData(typeof(PrivateMethod), "Hidden", "must be public or internal")]
    public void Unsupported_function_shapes_fail_naming_the_function(Type type, string function, string reason)
    {
        var error = Fails(type);

        Assert.Equal(function, error.FunctionName);
        Assert.StartsWith($"Function '{function}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_trigger_whose_queue_setting_is_missing_is_left_out_with_the_reason_as_the_host_does()
    {
        var catalog = FunctionCatalog.Discover([typeof(MissingQueueSetting)], Empty);

        Assert.Empty(catalog.Queues);
        Assert.Contains("'NoSuchQueue'", catalog.NotIndexed["NoQueueSetting"], StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_assembly_discovers_http_and_timer_functions_with_their_metadata()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection([new("SweepSchedule", "0 0 * * * *")]).Build();

        var catalog = FunctionCatalog.Discover(typeof(TestHosts).Assembly, settings);

        var getCall = Assert.Single(catalog.Http, f => f.Name == "GetCall");
        Assert.Equal("calls/{id:guid}", getCall.Route);
        Assert.Equal(["GET"], getCall.HttpMethods.ToArray());
        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Function, getCall.AuthLevel);
        Assert.Equal("Ping", Assert.Single(catalog.Http, f => f.Name == "Ping").Route);
        Assert.Empty(Assert.Single(catalog.Http, f => f.Name == "AnyMethod").HttpMethods);
        Assert.Equal(["FailingSweep", "Nightly", "Sweep", "SweepFromSetting"], catalog.Timers.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.True(Assert.Single(catalog.Timers, t => t.Name == "Nightly").RunOnStartup);
        Assert.DoesNotContain(catalog.Http, f => f.Name == "ListA");
        Assert.Single(catalog.Http, f => f.Name == "InternalPing");
        var work = Assert.Single(catalog.Queues, q => q.Name == "Work");
        Assert.Equal(("sample-work", "SampleQueues"), (work.QueueName, work.Connection));
        Assert.Equal(["FailingWork", "Work"], catalog.Queues.Select(q => q.Name).Order(StringComparer.Ordinal));
        Assert.Empty(catalog.Unserved);
    }

    [Theory]
    [InlineData("0 */5 * * * *", true)]
    [InlineData("0 0 9-17 * * MON-FRI", true)]
    [InlineData("5,15,25 * * * Jan *", true)]
    [InlineData("*/5 * * * *", false)]
    [InlineData("0 0 0 * * * *", false)]
    [InlineData("00:05:00", false)]
    [InlineData("0 0 ? * * *", false)]
    [InlineData("", false)]
    public void Cron_schedule_needs_six_ncrontab_fields(string schedule, bool valid) =>
        Assert.Equal(valid, CronSchedule.IsValid(schedule, out _));
}
