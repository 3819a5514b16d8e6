using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.MediaNode.Hosting;
using Serverless.Testing.FunctionsHost;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// The same run against Meta's real Cloud API (UNTESTED here: needs a Meta account and a public address). Set
/// META_ACCESS_TOKEN, META_PHONE_NUMBER_ID, META_APP_SECRET, META_VERIFY_TOKEN, PUBLIC_URL (an https tunnel to the
/// Functions' port, registered as the app's webhook callback: PUBLIC_URL/api/webhook) and MEDIANODE_PUBLIC_ADDRESS
/// (the address Meta reaches the node's UDP port on); optional DEMO_TO (+E.164 number with call permission) dials once.
/// </summary>
internal static class MetaMode
{
    private static readonly string[] Required =
        ["META_ACCESS_TOKEN", "META_PHONE_NUMBER_ID", "META_APP_SECRET", "META_VERIFY_TOKEN", "PUBLIC_URL", "MEDIANODE_PUBLIC_ADDRESS"];

    public static bool IsConfigured() => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("META_ACCESS_TOKEN"));

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var missing = Required.Where(n => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n))).ToList();
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync("Meta mode needs: " + string.Join(", ", missing)).ConfigureAwait(false);
            return 2;
        }

        string Env(string name) => Environment.GetEnvironmentVariable(name)!;
        var runId = "local" + Guid.NewGuid().ToString("N")[..8];
        var eventsSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var functionsBase = new Uri($"http://127.0.0.1:{arguments.FunctionsPort}/");
        var node = MediaNodeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MediaNode:NodeId"] = "local-node",
                ["MediaNode:PublicAddress"] = Env("MEDIANODE_PUBLIC_ADDRESS"),
                ["MediaNode:UdpPort"] = arguments.UdpPort.ToString(CultureInfo.InvariantCulture),
                ["MediaNode:HttpPort"] = arguments.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["MediaNode:HttpBindAddress"] = "127.0.0.1",
                ["MediaNode:EventsUrl"] = new Uri(functionsBase, "api/media/events").AbsoluteUri,
                ["MediaNode:EventsSecret"] = eventsSecret,
                ["MediaNode:StorageConnectionString"] = "UseDevelopmentStorage=true",
                ["MediaNode:Transport:Kind"] = "StorageQueues",
                ["MediaNode:Transport:ConnectionString"] = "UseDevelopmentStorage=true",
                ["MediaNode:Transport:NewCallsQueue"] = runId + "-new",
                ["MediaNode:Transport:NodeQueuePrefix"] = runId + "-node-",
            });
        });
        await node.StartAsync().ConfigureAwait(false);
        await using var _ = node;
        var settings = new Dictionary<string, string?>
        {
            ["Meta:PhoneNumberIds:0"] = Env("META_PHONE_NUMBER_ID"),
            ["Meta:DefaultPhoneNumberId"] = Env("META_PHONE_NUMBER_ID"),
            ["Meta:VerifyToken"] = Env("META_VERIFY_TOKEN"),
            ["Meta:AppSecret"] = Env("META_APP_SECRET"),
            ["MediaEvents:NodeKeys:local-node"] = eventsSecret,
            ["Transport:Kind"] = "StorageQueues",
            ["Transport:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Transport:NewCallsQueue"] = runId + "-new",
            ["Transport:NodeQueuePrefix"] = runId + "-node-",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["CallStore:TablePrefix"] = runId,
            ["Permissions:TablePrefix"] = runId + "perm",
            ["Callbacks:TablePrefix"] = runId + "cb",
            ["Dials:TablePrefix"] = runId + "dial",
            // Signs status callbacks; a fresh random secret per run (a deployment keeps its own in Key Vault).
            ["Callbacks:SigningSecret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            ["WhatsAppGraph:AccessToken"] = Env("META_ACCESS_TOKEN"),
        };
        await using var functions = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
        {
            IncludeEnvironmentVariables = false,
            Settings = settings,
            Port = arguments.FunctionsPort,
            ConfigureServices = (services, configuration) =>
            {
                services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true));
                services.AddServerlessCalling(configuration);
            },
        }).ConfigureAwait(false);
        Console.WriteLine($"Meta mode. Webhook callback URL: {Env("PUBLIC_URL").TrimEnd('/')}/api/webhook (verify token as configured); Functions on {functions.BaseAddress}.");
        using var client = functions.CreateClient(functions.Keys.DefaultHostKey);
        if (Environment.GetEnvironmentVariable("DEMO_TO") is { Length: > 0 } to)
        {
            using var calls = new CallsClient(client);
            var (status, body) = await calls.DialAsync(new { to }).ConfigureAwait(false);
            Console.WriteLine($"dial {LocalRunConsole.Mask(to)}: HTTP {status} {body}");
        }

        Console.WriteLine("Ctrl+C stops.");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return 0;
    }
}
