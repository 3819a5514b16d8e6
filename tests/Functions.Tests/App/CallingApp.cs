using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.Media;
using Serverless.Shared.Security;
using Serverless.Shared.Transport;
using Serverless.Shared.Transport.InMemory;
using Serverless.Testing.FunctionsHost;

namespace Serverless.Functions.Tests.App;

/// <summary>
/// The whole Functions app for one test: the real registration served by the test host over HTTP, Table Storage in
/// Azurite under fresh tables, a fake Graph endpoint, and a scripted MediaNode behind the in-memory transport.
/// </summary>
internal sealed class CallingApp : IAsyncDisposable
{
    public const string PhoneNumberId = "1000001";
    public const string OtherPhoneNumberId = "1000002";
    public const string NotOurPhoneNumberId = "9999999";
    public const string VerifyToken = "verify-token-1";
    public const string AppSecret = "meta-app-secret-1";
    /// <summary>node-1's own media events key.</summary>
    public const string MediaSecret = "media-events-secret-0123456789";

    /// <summary>node-2's own media events key (a second node of the same deployment).</summary>
    public const string OtherNodeSecret = "media-events-secret-node-2-abcdef";
    public const string AccessToken = "graph-token-1";
    public const string User = "14155550123";
    public const string PromptsContainer = "http://127.0.0.1:10000/devstoreaccount1/prompts";
    public const string CallbackSecret = "callback-signing-secret-0123456789abcdef";

    private readonly CancellationTokenSource _stop = new();
    private Task? _node;

    private CallingApp(FunctionsTestHost host, FakeGraph graph, InMemoryCommandBus bus, FakeTimeProvider time, string prefix)
    {
        Host = host;
        Graph = graph;
        Bus = bus;
        Time = time;
        TablePrefix = prefix;
        Client = host.CreateClient(host.Keys.DefaultHostKey);
        Anonymous = host.CreateClient();
        Node = new MediaNodeDouble(Anonymous, new MediaEventSigner(new HmacSha256Signature(MediaSecret), time), time, "node-1");
    }

    public FunctionsTestHost Host { get; }

    public FakeGraph Graph { get; }

    public InMemoryCommandBus Bus { get; }

    public FakeTimeProvider Time { get; }

    public string TablePrefix { get; }

    /// <summary>Carries a host key (dial API).</summary>
    public HttpClient Client { get; }

    /// <summary>No key (webhook, media events).</summary>
    public HttpClient Anonymous { get; }

    public MediaNodeDouble Node { get; }

    /// <summary>A second node of the deployment, signing with its own key (node-2); it receives no commands.</summary>
    public MediaNodeDouble OtherNode(string key = OtherNodeSecret) =>
        new(Anonymous, new MediaEventSigner(new HmacSha256Signature(key), Time), Time, "node-2");

    public static Dictionary<string, string?> Settings(string prefix, Uri graph) => new()
    {
        ["Meta:PhoneNumberIds:0"] = PhoneNumberId,
        ["Meta:PhoneNumberIds:1"] = OtherPhoneNumberId,
        ["Meta:DefaultPhoneNumberId"] = PhoneNumberId,
        ["Meta:VerifyToken"] = VerifyToken,
        ["Meta:AppSecret"] = AppSecret,
        ["Meta:MaxWebhookBodyBytes"] = "65536",
        ["MediaEvents:NodeKeys:node-1"] = MediaSecret,
        ["MediaEvents:NodeKeys:node-2"] = OtherNodeSecret,
        ["Transport:Kind"] = "InMemory",
        ["Storage:ConnectionString"] = AzuriteTables.ConnectionString,
        ["CallStore:TablePrefix"] = prefix,
        ["Permissions:TablePrefix"] = prefix,
        ["Callbacks:TablePrefix"] = prefix,
        ["Dials:TablePrefix"] = prefix,
        ["Analytics:TablePrefix"] = prefix,
        ["Console:TablePrefix"] = prefix,
        // Each app reads its own heartbeat rows (NodeWatch, placement): tests running at once never see each other's nodes.
        ["NodeWatch:HeartbeatTable"] = prefix + "nodes",
        // Deferred work on Azurite queues of this app's own (tests run at once). The clock is fake: messages are visible
        // at once with their dueAt, and RunQueueAsync delivers them when the app's clock reaches it.
        ["WorkQueues"] = AzuriteTables.ConnectionString,
        ["WorkQueues:MaxVisibilityDelay"] = "00:00:00",
        ["WorkQueues:CallDeadlinesQueue"] = prefix.ToLowerInvariant() + "-deadlines",
        ["WorkQueues:NodeWatchQueue"] = prefix.ToLowerInvariant() + "-nodewatch",
        ["WorkQueues:CallbacksQueue"] = prefix.ToLowerInvariant() + "-callbacks",
        ["WorkQueues:AnalyticsBackfillQueue"] = prefix.ToLowerInvariant() + "-backfill",
        ["WorkQueues:DialsQueue"] = prefix.ToLowerInvariant() + "-dials",
        ["Callbacks:SigningSecret"] = CallbackSecret,
        ["Callbacks:AllowLoopback"] = "true",
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        ["WhatsAppGraph:BaseUrl"] = graph.AbsoluteUri,
        ["WhatsAppGraph:AccessToken"] = AccessToken,
        ["WhatsAppGraph:MaxRetryAttempts"] = "0",
        ["Calls:MaxApiBodyBytes"] = "4096",
        ["Prompts:ContainerUrl"] = PromptsContainer,
        [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
    };

    public static async Task<CallingApp> StartAsync(
        Action<Dictionary<string, string?>>? configure = null, bool runNode = true, Action<IServiceCollection>? services = null,
        Action<IServiceCollection>? afterRegistration = null, Serverless.Testing.FunctionsHost.Http.AppServiceAuthEmulation? appServiceAuth = null)
    {
        var graph = await FakeGraph.StartAsync();
        var prefix = AzuriteTables.UniquePrefix();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bus = new InMemoryCommandBus(TimeProvider.System);
        var settings = Settings(prefix, graph.BaseAddress);
        configure?.Invoke(settings);
        var host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(ServerlessCallingServiceCollectionExtensions).Assembly)
        {
            IncludeEnvironmentVariables = false,
            Settings = settings,
            AppServiceAuth = appServiceAuth,
            TimeProvider = time,
            ConfigureServices = (collection, configuration) =>
            {
                collection.AddSingleton<TimeProvider>(time);
                collection.AddSingleton(bus);
                services?.Invoke(collection);
                collection.AddServerlessCalling(configuration);
                afterRegistration?.Invoke(collection);
            },
        });
        var app = new CallingApp(host, graph, bus, time, prefix);
        if (runNode)
        {
            app.StartNode();
        }

        return app;
    }

    private void StartNode()
    {
        var options = new MediaTransportOptions { Kind = TransportKind.InMemory, NodeId = Node.NodeId };
        var factory = new CommandProcessorFactory(
            new InMemoryIdempotencyStore(TimeProvider.System), new CallSequenceGate(), options, TimeProvider.System, NullLogger<CommandProcessor>.Instance);
        var receiver = new InMemoryCommandReceiver(Bus, Node.NodeId, options, factory);
        _node = Task.Run(() => receiver.RunAsync(Node, _stop.Token));
    }

    // ---- dial API ----

    public Task<HttpResponseMessage> DialAsync(object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/calls") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonElement> GetCallAsync(string callId)
    {
        using var response = await Client.GetAsync(new Uri("api/calls/" + callId, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    // ---- Meta webhook ----

    public async Task<HttpResponseMessage> PostWebhookAsync(string json, string? signature = "sign")
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhook") { Content = content };
        if (signature == "sign")
        {
            request.Headers.Add(HmacSha256Signature.HeaderName, new HmacSha256Signature(AppSecret).Sign(body));
        }
        else if (signature is not null)
        {
            request.Headers.Add(HmacSha256Signature.HeaderName, signature);
        }

        return await Anonymous.SendAsync(request);
    }

    public async Task DeliverAsync(string json)
    {
        using var response = await PostWebhookAsync(json);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_node is not null)
        {
            await _node;
        }

        Client.Dispose();
        Anonymous.Dispose();
        await Host.DisposeAsync();
        await Graph.DisposeAsync();
        Bus.Dispose();
        _stop.Dispose();
        try
        {
            await AzuriteTables.DeleteTablesAsync(TablePrefix);
        }
        catch (Azure.RequestFailedException)
        {
            // Tables that were never created (a test that stored nothing) cannot be deleted; nothing to clean.
        }
    }
}
