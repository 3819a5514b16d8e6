using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.MediaNode.Hosting;
using Serverless.Shared.Transport;
using Serverless.Testing.FunctionsHost;
using Serverless.Testing.ServiceBusBroker;

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

    /// <summary>Meta mode as soon as any META_* variable is set, so a partly configured run says what is missing.</summary>
    public static bool IsConfigured() =>
        Required.Where(n => n.StartsWith("META_", StringComparison.Ordinal)).Any(n => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n)));

    /// <summary>
    /// Every problem with the Meta-mode variables, one message each naming the variable (empty: all good). Checked
    /// before anything starts, because each mistake otherwise shows up only as a webhook or a call that never comes.
    /// </summary>
    public static IReadOnlyList<string> Validate(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var problems = new List<string>();
        foreach (var name in Required.Where(n => string.IsNullOrWhiteSpace(env(n))))
        {
            problems.Add($"{name} is not set ({Meaning(name)}).");
        }

        if (env("META_ACCESS_TOKEN") is { Length: > 0 } token && token.Any(char.IsWhiteSpace))
        {
            problems.Add("META_ACCESS_TOKEN contains whitespace; paste the system user's token alone.");
        }

        if (env("META_PHONE_NUMBER_ID") is { Length: > 0 } id && !id.All(char.IsAsciiDigit))
        {
            problems.Add("META_PHONE_NUMBER_ID must be the number's id (digits from WhatsApp > API Setup), not the phone number.");
        }

        if (env("META_APP_SECRET") is { Length: > 0 } secret && (secret.Length != 32 || !secret.All(char.IsAsciiHexDigit)))
        {
            problems.Add("META_APP_SECRET must be the app secret (32 hex characters, App settings > Basic).");
        }

        if (env("PUBLIC_URL") is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.IsLoopback))
        {
            problems.Add("PUBLIC_URL must be a public https URL tunnelled to the Functions' port (Meta calls PUBLIC_URL/api/webhook).");
        }

        if (env("MEDIANODE_PUBLIC_ADDRESS") is { Length: > 0 } address
            && (!System.Net.IPAddress.TryParse(address, out var ip) || System.Net.IPAddress.IsLoopback(ip)))
        {
            problems.Add("MEDIANODE_PUBLIC_ADDRESS must be the public IP address Meta reaches the MediaNode's UDP port on.");
        }

        if (env("DEMO_TO") is { Length: > 0 } to && (to[0] != '+' || to.Length < 8 || !to[1..].All(char.IsAsciiDigit)))
        {
            problems.Add("DEMO_TO must be an E.164 number like +16315551234 (a user who granted call permission).");
        }

        return problems;
    }

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var problems = Validate(Environment.GetEnvironmentVariable);
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("Meta mode (META_* set) cannot start:").ConfigureAwait(false);
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("  " + problem).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("What to register at Meta: docs/meta-setup.md.").ConfigureAwait(false);
            return 2;
        }

        string Env(string name) => Environment.GetEnvironmentVariable(name)!;
        var runId = "local" + Guid.NewGuid().ToString("N")[..8];
        var eventsSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var functionsBase = new Uri($"http://127.0.0.1:{arguments.FunctionsPort}/");
        // --transport servicebus: the commands travel over the test broker, as they do over Service Bus in Azure.
        await using var broker = arguments.Transport == TransportKind.ServiceBus
            ? ServiceBusTestBroker.Start(new TestBrokerOptions { Port = arguments.ServiceBusPort })
            : null;
        var transport = arguments.Transport.ToString();
        var transportConnection = broker?.ConnectionString ?? "UseDevelopmentStorage=true";
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
                ["MediaNode:Transport:Kind"] = transport,
                ["MediaNode:Transport:ConnectionString"] = transportConnection,
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
            [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
            ["MediaEvents:NodeKeys:local-node"] = eventsSecret,
            ["Transport:Kind"] = transport,
            ["Transport:ConnectionString"] = transportConnection,
            ["Transport:NewCallsQueue"] = runId + "-new",
            ["Transport:NodeQueuePrefix"] = runId + "-node-",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["WorkQueues"] = "UseDevelopmentStorage=true",
            ["WorkQueues:CallDeadlinesQueue"] = Serverless.Functions.Storage.WorkQueueOptions.CallDeadlines,
            ["WorkQueues:NodeWatchQueue"] = Serverless.Functions.Storage.WorkQueueOptions.NodeWatch,
            ["WorkQueues:CallbacksQueue"] = Serverless.Functions.Storage.WorkQueueOptions.Callbacks,
            ["WorkQueues:AnalyticsBackfillQueue"] = Serverless.Functions.Storage.WorkQueueOptions.AnalyticsBackfill,
            ["WorkQueues:DialsQueue"] = Serverless.Functions.Storage.WorkQueueOptions.Dials,
            ["CallStore:TablePrefix"] = runId,
            ["Permissions:TablePrefix"] = runId + "perm",
            ["Callbacks:TablePrefix"] = runId + "cb",
            ["Dials:TablePrefix"] = runId + "dial",
            // Signs status callbacks; a fresh random secret per run (a deployment keeps its own in Key Vault).
            ["Callbacks:SigningSecret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            ["WhatsAppGraph:AccessToken"] = Env("META_ACCESS_TOKEN"),
        };
        // Any setting can still be overridden from the environment (Section__Key), as in the simulator run.
        foreach (var (key, value) in new ConfigurationBuilder().AddEnvironmentVariables().Build().AsEnumerable())
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }

        await using var functions = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
        {
            IncludeEnvironmentVariables = false,
            Settings = settings,
            Port = arguments.FunctionsPort,
            ServeQueues = true,
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

    private static string Meaning(string name) => name switch
    {
        "META_ACCESS_TOKEN" => "the system user's Graph token",
        "META_PHONE_NUMBER_ID" => "the business number's phone number id",
        "META_APP_SECRET" => "the app secret that signs webhooks",
        "META_VERIFY_TOKEN" => "the verify token entered in the app's webhook settings",
        "PUBLIC_URL" => "the https tunnel to the Functions' port",
        _ => "the public IP of the MediaNode's UDP port",
    };
}
