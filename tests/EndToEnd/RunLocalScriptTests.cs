using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.Testing.LocalRun;
using Serverless.Testing.ServiceBusBroker;

namespace Serverless.Testing.EndToEnd;

/// <summary>scripts/run-local.sh as a user runs it: options without side effects, friendly refusals.</summary>
public sealed class RunLocalScriptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Build, start and the demo call on a loaded machine.</summary>
    private static readonly TimeSpan DemoLimit = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Help_prints_the_options_and_exits_0_without_building_or_starting_anything()
    {
        var (code, stdout, stderr) = await RunAsync(["--help"], new Dictionary<string, string>());

        Assert.Equal(0, code);
        Assert.StartsWith("usage: bash scripts/run-local.sh", stdout, StringComparison.Ordinal);
        Assert.Contains("--stay", stdout, StringComparison.Ordinal);
        Assert.Contains("--keys", stdout, StringComparison.Ordinal);
        Assert.Contains("--transport storagequeues|servicebus", stdout, StringComparison.Ordinal);
        Assert.Contains("SERVICEBUS_PORT", stdout, StringComparison.Ordinal);
        Assert.Contains("FUNCTIONS_PORT", stdout, StringComparison.Ordinal);
        Assert.Contains("WhatsAppGraph__BaseUrl", stdout, StringComparison.Ordinal);
        // Nothing ran: no install, no build, no Azurite.
        Assert.DoesNotContain("npm tools", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet", stdout.Split('\n')[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Azurite: listening", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task Transport_servicebus_places_the_demo_call_with_its_commands_over_the_Service_Bus_test_broker()
    {
        // In its own loopback-only network namespace: the run starts its own Azurite on the fixed ports.
        var start = ReadmeWalkthroughTests.NamespacedStart(RepoPaths.Root, "bash scripts/run-local.sh --transport servicebus");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(DemoLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var output = await stdout + "\n" + await stderr;
        Assert.True(process.ExitCode == 0, output);
        // The broker's queues have what Bicep deploys (infra/bicep/modules/servicebus-queue.json).
        Assert.Contains(
            $"Commands:   Service Bus over AMQP: the test broker on amqp://127.0.0.1:5672 (queues as Bicep deploys them: {LocalRunConsole.Describe(QueueSettings.Deployed)})",
            output,
            StringComparison.Ordinal);
        // The demo's whole path ran: the node took the start from the new-calls queue and the answer and hang-up
        // from its own queue, all over the broker; the user's tone is in the recording.
        Assert.Matches(@"phone hears the prompt: 4[34]\d\.\d Hz", output);
        Assert.Matches(@"recording tone: 6[56]\d\.\d Hz", output);
        Assert.Matches(@"callbacks for \S+: \d+ received, all verified", output);
    }

    [Theory]
    [InlineData("FUNCTIONS_PORT")]
    [InlineData("MEDIANODE_HTTP_PORT")]
    [InlineData("CALLBACKS_PORT")]
    public async Task A_busy_tcp_port_stops_the_run_with_one_line_naming_the_variable(string variable)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (code, stdout, stderr) = await RunAsync([], new Dictionary<string, string> { [variable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"port {port} (tcp, 127.0.0.1) is in use: set {variable} to a free port", line);
        Assert.DoesNotContain("npm tools", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_udp_port_names_MEDIANODE_UDP_PORT()
    {
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.Client.LocalEndPoint!).Port;

        var (code, _, stderr) = await RunAsync([], new Dictionary<string, string> { ["MEDIANODE_UDP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(1, code);
        Assert.Equal($"port {port} (udp, 127.0.0.1) is in use: set MEDIANODE_UDP_PORT to a free port", stderr.Trim());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add("scripts/run-local.sh");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Free defaults for the ports not under test, so only the busy one can be refused.
        foreach (var name in new[] { "FUNCTIONS_PORT", "MEDIANODE_HTTP_PORT", "CALLBACKS_PORT", "MEDIANODE_UDP_PORT" })
        {
            start.Environment[name] = environment.TryGetValue(name, out var value) ? value : FreePort(name == "MEDIANODE_UDP_PORT");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FreePort(bool udp)
    {
        if (udp)
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.Client.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

}
