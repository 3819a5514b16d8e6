using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Security;
using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Clock;
using Serverless.Testing.WhatsAppSimulator.Control;
using Serverless.Testing.WhatsAppSimulator.Faults;
using Serverless.Testing.WhatsAppSimulator.Graph;
using Serverless.Testing.WhatsAppSimulator.Logging;
using Serverless.Testing.WhatsAppSimulator.Permissions;
using Serverless.Testing.WhatsAppSimulator.Recording;
using Serverless.Testing.WhatsAppSimulator.Settings;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator;

/// <summary>
/// Stands in for graph.facebook.com: serves the Calling API on 127.0.0.1, plays scripted users and sends
/// Meta-shaped, signed webhooks to the product. Host it in-process with <see cref="StartAsync"/>, or run the
/// console app. Point the product's Graph client at <see cref="BaseAddress"/> with any <c>vN.M</c> version.
/// </summary>
public sealed class WhatsAppSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CallEngine _engine;
    private readonly ILogger _logger;

    private WhatsAppSimulator(WebApplication app, SimulatorOptions options, SimulatorClock clock, RequestLog requests,
        WebhookSender webhooks, CallPermissionTable permissions, SimulatedUsers users, CallSettingsStore settings, CallEngine engine, ILogger logger)
    {
        _logger = logger;
        _app = app;
        Options = options;
        Clock = clock;
        Requests = requests;
        Webhooks = webhooks;
        Permissions = permissions;
        Users = users;
        Settings = settings;
        _engine = engine;
    }

    /// <summary>The options the simulator runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Root URL (e.g. <c>http://127.0.0.1:41234/</c>); Graph paths are <c>{version}/{phone-number-id}/…</c> below it.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Simulated time and armed timers.</summary>
    public SimulatorClock Clock { get; }

    /// <summary>Every request received, verbatim.</summary>
    public RequestLog Requests { get; }

    /// <summary>Webhook delivery log and redelivery/reorder hooks.</summary>
    public WebhookSender Webhooks { get; }

    /// <summary>Per-user call permission table (grant/revoke for tests).</summary>
    public CallPermissionTable Permissions { get; }

    /// <summary>Scripted behaviour per user.</summary>
    public SimulatedUsers Users { get; }

    /// <summary>Injected Graph failures (503/429 for a while, or an error after the action took effect).</summary>
    public GraphFaults Faults { get; } = new();

    /// <summary>The <c>calling</c> settings per number.</summary>
    public CallSettingsStore Settings { get; }

    /// <summary>All calls so far.</summary>
    public IReadOnlyList<SimulatedCall> Calls => _engine.Calls;

    /// <summary>The first business number served.</summary>
    public BusinessPhoneNumber DefaultNumber => Options.PhoneNumbers[0];

    /// <summary>Starts a simulator listening on 127.0.0.1.</summary>
    public static async Task<WhatsAppSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PhoneNumbers.Count == 0)
        {
            throw new ArgumentException("At least one business phone number must be served.", nameof(options));
        }

        var clock = new SimulatorClock(options.TimeProvider);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Testing.WhatsAppSimulator");

        var requests = new RequestLog();
        var webhooks = new WebhookSender(clock, new HmacSha256Signature(options.AppSecret), options.WebhookUrl, [.. options.WebhookRetryDelays], logger);
        var permissions = new CallPermissionTable(clock, options.BusinessInitiatedCallsPer24Hours);
        var users = new SimulatedUsers(options.DefaultUserBehavior);
        var settings = new CallSettingsStore();
        var engine = new CallEngine(options, clock, webhooks, permissions, users, settings, logger);

        var simulator = new WhatsAppSimulator(app, options, clock, requests, webhooks, permissions, users, settings, engine, logger);
        app.Use((context, next) => simulator.RecordAsync(context, next));
        simulator.MapGraph(app);
        ControlEndpoints.Map(app, simulator);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // A taken port must not leave the webhook pump running.
            await webhooks.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return simulator;
    }

    /// <summary>A user calls the business: queues the connect webhook with the phone's offer and starts the answer window.</summary>
    public Task<SimulatedCall> StartInboundCallAsync(string fromWaId, InboundCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromWaId);
        options ??= new InboundCallOptions();
        var business = options.PhoneNumberId is null
            ? DefaultNumber
            : Options.PhoneNumbers.FirstOrDefault(p => p.PhoneNumberId == options.PhoneNumberId)
                ?? throw new ArgumentException($"Phone number id {options.PhoneNumberId} is not served.", nameof(options));
        return _engine.StartInboundAsync(business, fromWaId, options, cancellationToken);
    }

    /// <summary>The user hangs up <paramref name="callId"/>; false when the call is unknown or already over.</summary>
    public bool HangUpAsUser(string callId) => _engine.UserHangUp(callId);

    /// <summary>A call by id, or null.</summary>
    public SimulatedCall? FindCall(string callId) => _engine.Find(callId);

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await Webhooks.DisposeAsync();
        await _engine.DisposeAsync();
        await _app.DisposeAsync();
    }

    private void MapGraph(WebApplication app)
    {
        var gate = new GraphGate(Options);
        var calls = new CallsEndpoint(gate, _engine);
        var messages = new MessagesEndpoint(gate, Permissions, new PermissionRequestResponder(Clock, Permissions, Users, Webhooks), Options.SendMessageReceipts);
        var permissions = new CallPermissionsEndpoint(gate, Permissions, new SlidingWindowLimiter(Clock, Options.CallPermissionReadsPerSecond, TimeSpan.FromSeconds(1)));
        var settings = new SettingsEndpoint(gate, Settings);
        app.MapPost("/{version}/{id}/calls", (HttpContext c, string version, string id) => calls.HandleAsync(c, version, id));
        app.MapPost("/{version}/{id}/messages", (HttpContext c, string version, string id) => messages.HandleAsync(c, version, id));
        app.MapGet("/{version}/{id}/call_permissions", (HttpContext c, string version, string id) => permissions.HandleAsync(c, version, id));
        app.MapGet("/{version}/{id}/settings", (HttpContext c, string version, string id) => settings.GetAsync(c, version, id));
        app.MapPost("/{version}/{id}/settings", (HttpContext c, string version, string id) => settings.PostAsync(c, version, id));
        // Graph answers unknown paths with an error body, never an empty 404.
        app.MapFallback((HttpContext c) => GraphHttp.WriteErrorAsync(c, GraphErrors.UnknownPath(c.Request.Path.Value ?? "/")));
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        context.Items[GraphHttp.BodyItem] = body;
        // The control API is the test's own voice; only product traffic is recorded and subject to faults.
        if (context.Request.Path.StartsWithSegments("/_sim", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        // Recorded before handling, so a caller that got its response always finds its request in the log.
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path.Value ?? string.Empty;
        Requests.Add(new RecordedRequest(Clock.UtcNow, context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, headers, body));

        if (Faults.TakeFor(path[(path.LastIndexOf('/') + 1)..]) is not { } fault)
        {
            await next(context);
            SimulatorLog.GraphRequest(_logger, context.Request.Method, path, context.Response.StatusCode);
            return;
        }

        if (fault.ResponseDelay is { } delay)
        {
            // The action takes effect now (its webhooks go out); only the response is late.
            var original = context.Response.Body;
            using var held = new MemoryStream();
            context.Response.Body = held;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            await Faults.HoldAsync(delay, Clock.Time, context.RequestAborted);
            held.Position = 0;
            await held.CopyToAsync(original, context.RequestAborted);
            SimulatorLog.GraphRequest(_logger, context.Request.Method, path, context.Response.StatusCode);
            return;
        }

        if (fault.AfterProcessing)
        {
            // Let the action take effect, then lose its response.
            var original = context.Response.Body;
            context.Response.Body = Stream.Null;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            context.Response.Headers.Clear();
        }

        await GraphHttp.WriteErrorAsync(context, fault.Error!);
        SimulatorLog.GraphRequest(_logger, context.Request.Method, path, context.Response.StatusCode);
    }
}
