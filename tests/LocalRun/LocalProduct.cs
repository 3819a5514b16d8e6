using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Hosting;
using Serverless.MediaNode.Hosting;
using Serverless.Testing.FunctionsHost;
using Serverless.Testing.ServiceBusBroker;
using Serverless.Testing.WhatsAppSimulator.Phone;
using Sim = Serverless.Testing.WhatsAppSimulator;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// The whole product on loopback: the WhatsApp Cloud API simulator with WebRTC phones, the Functions served by the
/// test host over HTTP, a MediaNode (its UDP port and HTTP on 127.0.0.1) and an <see cref="EventTap"/> between
/// node and Functions. Commands travel over Storage Queues (Azurite) or Service Bus (an in-process test broker,
/// <see cref="LocalProductOptions.Transport"/>); calls live in Table Storage (Azurite).
/// </summary>
public sealed partial class LocalProduct : IAsyncDisposable
{
    /// <summary>The MediaNode's own media events key (the Functions hold it as <c>MediaEvents:NodeKeys:{NodeId}</c>).</summary>
    public const string MediaEventsSecret = "local-media-events-secret-0123456789";

    /// <summary>Meta's webhook verify token for the simulator setup.</summary>
    public const string VerifyToken = "local-verify-token";

    private readonly LocalProductOptions _options;
    private readonly Dictionary<string, string?> _functionsSettings;
    private readonly Serverless.Testing.FunctionsHost.Timers.TimerStatusStore _timerStatus = new();
    private FunctionsTestHost? _functions;

    private LocalProduct(
        LocalProductOptions options, Sim.WhatsAppSimulator simulator, WebRtcPhoneFactory phones, EventTap tap, Dictionary<string, string?> functionsSettings, ServiceBusTestBroker? broker)
    {
        _options = options;
        Broker = broker;
        Simulator = simulator;
        Phones = phones;
        Tap = tap;
        _functionsSettings = functionsSettings;
    }

    public Sim.WhatsAppSimulator Simulator { get; }

    /// <summary>The local Web PubSub stand-in the console's pages connect to.</summary>
    public WebPubSubStandIn PubSub { get; private init; } = null!;

    public WebRtcPhoneFactory Phones { get; }

    public EventTap Tap { get; }

    /// <summary>The in-process MediaNode, or null (own process, or stopped).</summary>
    public WebApplication? Node { get; private set; }

    /// <summary>The MediaNode's id (its queue is <c>{RunId}-node-{NodeId}</c>).</summary>
    public string NodeId { get; private init; } = null!;

    public FunctionsTestHost Functions => _functions ?? throw new InvalidOperationException("The Functions are stopped.");

    /// <summary>The Functions' base address, stable across restarts.</summary>
    public Uri FunctionsBaseAddress { get; private init; } = null!;

    /// <summary>The business number (simulator phone number id) the Functions serve.</summary>
    public string BusinessPhoneNumberId => Simulator.DefaultNumber.PhoneNumberId;

    /// <summary>The dial API client (host key).</summary>
    public CallsClient Calls { get; private set; } = null!;

    /// <summary>Settings a separately started MediaNode process needs (environment variable names).</summary>
    public IReadOnlyDictionary<string, string> NodeSettings(int udpPort, int httpPort) => new Dictionary<string, string>
    {
        ["MediaNode__NodeId"] = NodeId,
        ["MediaNode__PublicAddress"] = "127.0.0.1",
        ["MediaNode__BindAddress"] = "127.0.0.1",
        ["MediaNode__AnnounceInterfaces"] = "false",
        ["MediaNode__UdpPort"] = udpPort.ToString(CultureInfo.InvariantCulture),
        ["MediaNode__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
        ["MediaNode__HttpBindAddress"] = "127.0.0.1",
        // The doorbell the Functions ring after queueing a command (local only; see Transport:WakeUrls below).
        ["MediaNode__WakeEndpoint"] = "true",
        ["MediaNode__EventsUrl"] = Tap.Url.AbsoluteUri,
        ["MediaNode__EventsSecret"] = MediaEventsSecret,
        ["MediaNode__StorageConnectionString"] = _options.StorageConnectionString,
        ["MediaNode__HeartbeatTable"] = _options.RunId + "nodes",
        ["MediaNode__MaxCalls"] = _options.MediaNodeMaxCalls.ToString(CultureInfo.InvariantCulture),
        ["MediaNode__DrainTimeout"] = "00:00:01",
        ["MediaNode__EventRetryDelay"] = "00:00:00.100",
        ["MediaNode__MaxEventRetryDelay"] = "00:00:01",
        ["MediaNode__Transport__Kind"] = _options.Transport.ToString(),
        ["MediaNode__Transport__ConnectionString"] = TransportConnectionString,
        ["MediaNode__Transport__NewCallsQueue"] = _options.RunId + "-new",
        ["MediaNode__Transport__NodeQueuePrefix"] = _options.RunId + "-node-",
        ["MediaNode__Transport__HoldBackDelay"] = "00:00:00.100",
        ["MediaNode__Transport__RetryDelay"] = "00:00:00.200",
    };

    public static async Task<LocalProduct> StartAsync(LocalProductOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalProductOptions();
        // The Functions' port is held until their host binds it: the simulator, tap, broker and Web PubSub stand-in
        // bind port 0 meanwhile and could otherwise be given the same one.
        using var reservedPort = options.FunctionsPort == 0 ? ReservePort() : null;
        var functionsPort = reservedPort is null ? options.FunctionsPort : ((IPEndPoint)reservedPort.LocalEndpoint).Port;
        var functionsBase = new Uri($"http://127.0.0.1:{functionsPort}/");
        var nodeId = "node-" + Guid.NewGuid().ToString("N")[..8];
        var phones = await WebRtcPhoneFactory.CreateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var simOptions = new Sim.SimulatorOptions
        {
            WebhookUrl = new Uri(functionsBase, "api/webhook"),
            PhoneFactory = phones,
            RingingAfter = TimeSpan.FromMilliseconds(200),
            AcceptedStatusAfter = TimeSpan.FromMilliseconds(300),
            DefaultUserBehavior = Sim.Users.SimulatedUserBehavior.AnswerAfter(TimeSpan.FromMilliseconds(500)),
            ConfigureLogging = options.ConfigureLogging,
        };
        options.ConfigureSimulator?.Invoke(simOptions);
        var simulator = await Sim.WhatsAppSimulator.StartAsync(simOptions, cancellationToken).ConfigureAwait(false);
        var tap = await EventTap.StartAsync(new Uri(functionsBase, "api/media/events"), cancellationToken).ConfigureAwait(false);
        var broker = StartBroker(options);
        var transportConnection = broker?.ConnectionString ?? options.StorageConnectionString;
        var pubSub = await WebPubSubStandIn.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var settings = new Dictionary<string, string?>
        {
            ["Meta:PhoneNumberIds:0"] = simulator.DefaultNumber.PhoneNumberId,
            ["Meta:DefaultPhoneNumberId"] = simulator.DefaultNumber.PhoneNumberId,
            ["Meta:VerifyToken"] = VerifyToken,
            ["Meta:AppSecret"] = simOptions.AppSecret,
            [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
            ["MediaEvents:NodeKeys:" + nodeId] = MediaEventsSecret,
            ["Transport:Kind"] = options.Transport.ToString(),
            ["Transport:ConnectionString"] = transportConnection,
            ["Transport:NewCallsQueue"] = options.RunId + "-new",
            ["Transport:NodeQueuePrefix"] = options.RunId + "-node-",
            ["Storage:ConnectionString"] = options.StorageConnectionString,
            // Deferred work (deadlines, node watch, callbacks, dials) on this run's own queues.
            ["WorkQueues"] = options.StorageConnectionString,
            ["WorkQueues:CallDeadlinesQueue"] = options.RunId + "-deadlines",
            ["WorkQueues:NodeWatchQueue"] = options.RunId + "-nodewatch",
            ["WorkQueues:CallbacksQueue"] = options.RunId + "-callbacks",
            ["WorkQueues:AnalyticsBackfillQueue"] = options.RunId + "-backfill",
            ["WorkQueues:DialsQueue"] = options.RunId + "-dials",
            ["NodeWatch:HeartbeatTable"] = options.RunId + "nodes",
            ["CallStore:TablePrefix"] = options.RunId,
            ["Permissions:TablePrefix"] = options.RunId + "perm",
            ["Callbacks:TablePrefix"] = options.RunId + "cb",
            ["Dials:TablePrefix"] = options.RunId + "dial",
            ["Console:TablePrefix"] = options.RunId + "con",
            ["Analytics:TablePrefix"] = options.RunId + "an",
            // The agent console's pages listen on the local Web PubSub stand-in (same REST API and client protocol).
            ["Console:WebPubSub:Endpoint"] = pubSub.Endpoint.AbsoluteUri,
            ["Console:WebPubSub:AccessKey"] = pubSub.AccessKey,
            // Signs status callbacks; a fresh random secret per run (a deployment keeps its own in Key Vault).
            ["Callbacks:SigningSecret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            ["WhatsAppGraph:BaseUrl"] = simulator.BaseAddress.AbsoluteUri,
            ["WhatsAppGraph:AccessToken"] = simOptions.AccessToken,
            ["WhatsAppGraph:RetryBaseDelay"] = "00:00:00.200",
            ["WhatsAppGraph:RetryMaxDelay"] = "00:00:01",
        };
        if (options.FunctionsTime is not null)
        {
            // A test that moves the Functions' clock can't wait out a real visibility delay: every message is visible
            // at once with its dueAt, and RunQueueAsync delivers it when that clock reaches it (tests/FunctionsHost).
            settings["WorkQueues:MaxVisibilityDelay"] = "00:00:00";
        }

        options.ConfigureFunctions?.Invoke(settings);
        var product = new LocalProduct(options, simulator, phones, tap, settings, broker) { FunctionsBaseAddress = functionsBase, NodeId = nodeId, PubSub = pubSub };
        try
        {
            if (options.InProcessMediaNode)
            {
                await product.StartNodeAsync(cancellationToken).ConfigureAwait(false);
            }

            reservedPort?.Stop();
            await product.StartFunctionsAsync(functionsPort, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await product.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return product;
    }

    /// <summary>Stops the Functions host (its port stays reserved by address only) and starts a fresh one on the same port.</summary>
    public async Task RestartFunctionsAsync(Func<Task>? whileDown = null, CancellationToken cancellationToken = default)
    {
        await StopFunctionsAsync().ConfigureAwait(false);
        if (whileDown is not null)
        {
            await whileDown().ConfigureAwait(false);
        }

        await StartFunctionsAsync(FunctionsBaseAddress.Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the in-process MediaNode gracefully (drain, hang up, deliver events).</summary>
    public async Task StopNodeAsync()
    {
        if (Node is { } node)
        {
            Node = null;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await node.StopAsync(cts.Token).ConfigureAwait(false);
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Downloads a recording blob (<c>recordings/{name}</c>) from the node's storage, or null when absent.</summary>
    public async Task<byte[]?> DownloadRecordingAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var name = blobName.StartsWith("recordings/", StringComparison.Ordinal) ? blobName["recordings/".Length..] : blobName;
        var blob = new BlobServiceClient(_options.StorageConnectionString).GetBlobContainerClient("recordings").GetBlobClient(name);
        if (!await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToArray();
    }

    /// <summary>
    /// A read-only SAS URL of a recording blob, valid for <paramref name="validFor"/>: the bare blob URL answers 403
    /// (containers are private), this one opens in a browser or with curl. Null when the storage account's key is
    /// not in the connection string (no SAS can be signed).
    /// </summary>
    public Uri? RecordingSasUri(string blobName, TimeSpan validFor)
    {
        var name = blobName.StartsWith("recordings/", StringComparison.Ordinal) ? blobName["recordings/".Length..] : blobName;
        var blob = new BlobServiceClient(_options.StorageConnectionString).GetBlobContainerClient("recordings").GetBlobClient(name);
        return blob.CanGenerateSasUri
            ? blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.Add(validFor))
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        // The node first: its drain hangs up live calls and its last events still reach running Functions.
        await StopNodeAsync().ConfigureAwait(false);
        await StopFunctionsAsync().ConfigureAwait(false);
        await Tap.DisposeAsync().ConfigureAwait(false);
        await PubSub.DisposeAsync().ConfigureAwait(false);
        await Simulator.DisposeAsync().ConfigureAwait(false);
        Phones.Dispose();
        await DisposeTransportAsync().ConfigureAwait(false);
    }

    private async Task StopFunctionsAsync()
    {
        if (_functions is { } functions)
        {
            _functions = null;
            Calls?.Dispose();
            await functions.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartFunctionsAsync(int port, CancellationToken cancellationToken)
    {
        var logging = _options.ConfigureLogging;
        var time = _options.FunctionsTime;
        var configure = _options.ConfigureFunctionsServices;
        _functions = await FunctionsTestHost.StartAsync(
            new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
            {
                IncludeEnvironmentVariables = false,
                Settings = _functionsSettings,
                Port = port,
                RunTimersOnSchedule = _options.RunTimersOnSchedule,
                ServeQueues = _options.RunTimersOnSchedule || _options.ServeQueues,
                // The app's host.json (copied beside the Functions): queue polling and poison settings as in Azure.
                HostJsonPath = Path.Combine(AppContext.BaseDirectory, "host.json"),
                TimeProvider = time ?? TimeProvider.System,
                TimerStatus = _timerStatus,
                EnforceKeys = _options.EnforceKeys,
                AppServiceAuth = _options.AppServiceAuth,
                ConfigureServices = (services, configuration) =>
                {
                    if (time is not null)
                    {
                        services.AddSingleton(time);
                    }

                    if (logging is not null)
                    {
                        services.AddLogging(logging);
                    }

                    services.AddServerlessCalling(configuration);
                    configure?.Invoke(services);
                },
            },
            cancellationToken).ConfigureAwait(false);
        // Every response the tests read is checked against the served OpenAPI document.
        var http = new HttpClient(new OpenApiResponseCheck()) { BaseAddress = _functions.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", _functions.Keys.DefaultHostKey);
        Calls = new CallsClient(http);
    }

    private async Task StartNodeAsync(CancellationToken cancellationToken)
    {
        var settings = NodeSettings(udpPort: 0, httpPort: 0).ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        _options.ConfigureMediaNode?.Invoke(settings);
        var logging = _options.ConfigureLogging;
        var node = MediaNodeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            logging?.Invoke(builder.Logging);
        });
        try
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Node = node;
    }

    private static TcpListener ReservePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
