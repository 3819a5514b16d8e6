using Serverless.Testing.WhatsAppSimulator.Faults;
using Serverless.Testing.WhatsAppSimulator.Tests.Infrastructure;

namespace Serverless.Testing.WhatsAppSimulator.Tests.Faults;

public sealed class GraphFaultTests
{
    [Fact]
    public async Task Injected_503s_fail_matching_requests_then_service_resumes()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        h.Simulator.Faults.Inject(GraphFault.ServiceUnavailable(edge: "calls"), count: 2);

        var permissions = await h.GetAsync($"call_permissions?user_wa_id={SimulatorHarness.User}");
        var first = await h.ConnectAsync();
        var second = await h.ConnectAsync();
        var third = await h.ConnectAsync();

        Assert.Equal(200, permissions.Status);
        foreach (var failed in new[] { first, second })
        {
            Assert.Equal(503, failed.Status);
            Assert.Equal(2, failed.Error.GetProperty("code").GetInt32());
            Assert.True(failed.Error.GetProperty("is_transient").GetBoolean());
            Assert.True(failed.Error.TryGetProperty("fbtrace_id", out _));
        }

        Assert.Equal(200, third.Status);
        Assert.Single(h.Simulator.Calls);
        Assert.Equal(4, h.Simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task Injected_429_is_Cloud_API_rate_limit_130429()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Faults.Inject(GraphFault.RateLimited());

        var reply = await h.GetAsync("settings");

        Assert.Equal(429, reply.Status);
        Assert.Equal(130429, reply.Error.GetProperty("code").GetInt32());
        Assert.Equal(200, (await h.GetAsync("settings")).Status);
    }

    [Fact]
    public async Task Fault_after_processing_applies_the_action_but_loses_the_response()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Simulator.Permissions.Grant(SimulatorHarness.User);
        h.Simulator.Faults.Inject(GraphFault.ServiceUnavailable(afterProcessing: true));

        var lost = await h.ConnectAsync();
        var retry = await h.ConnectAsync();

        Assert.Equal(503, lost.Status);
        Assert.Equal(2, lost.Error.GetProperty("code").GetInt32());
        var call = Assert.Single(h.Simulator.Calls);
        Assert.Equal(Calls.SimulatedCallPhase.Ringing, call.Phase);
        // A blind retry of connect now meets the call the lost response created.
        Assert.Equal(138003, retry.Error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Faults_can_be_injected_over_the_control_api()
    {
        await using var h = await SimulatorHarness.StartAsync();
        using var content = new StringContent("""{"kind":"503","count":3,"edge":"messages"}""");

        using var response = await h.Http.PostAsync("_sim/faults", content);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(3, h.Simulator.Faults.PendingCount);
        Assert.Equal(200, (await h.GetAsync("settings")).Status);
        using var clear = await h.Http.DeleteAsync("_sim/faults");
        Assert.Equal(0, h.Simulator.Faults.PendingCount);
    }
}
