using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Testing.FunctionsHost.Discovery;
using Serverless.Testing.FunctionsHost.Http;
using Serverless.Testing.FunctionsHost.Invocation;
using Serverless.Testing.FunctionsHost.Queues;
using Serverless.Testing.FunctionsHost.Timers;

namespace Serverless.Testing.FunctionsHost;

/// <summary>
/// Serves an isolated-worker Functions app's own classes over real HTTP on 127.0.0.1, standing in for the
/// Functions host (which cannot run here): HTTP triggers by route/method/auth level, timers and Storage queue
/// triggers on demand or, opted in, on their schedules and by polling.
/// It adds no behaviour of its own; where it must choose, it copies the host (see README.md).
/// </summary>
public sealed class FunctionsTestHost : IAsyncDisposable
{
    /// <summary>The host's maximum request body (100 MB); larger bodies are refused with 413.</summary>
    public const long MaxRequestBodyBytes = 100L * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly Dictionary<string, TimerFunctionDescriptor> _timers;
    private TimerScheduler? _scheduler;
    private readonly Dictionary<string, QueueListener> _queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _unstartable = new(StringComparer.OrdinalIgnoreCase);
    private int _disposed;

    private FunctionsTestHost(WebApplication app, FunctionCatalog catalog, HostJsonSettings hostJson, FunctionKeys keys, Uri baseAddress)
    {
        _app = app;
        Functions = catalog;
        RoutePrefix = hostJson.RoutePrefix;
        Keys = keys;
        BaseAddress = baseAddress;
        _timers = catalog.Timers.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>http://127.0.0.1:port/ (the route prefix is not included).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The route prefix from host.json ("api" by default, may be empty).</summary>
    public string RoutePrefix { get; }

    /// <summary>The app's root service provider.</summary>
    public IServiceProvider Services => _app.Services;

    public FunctionCatalog Functions { get; }

    public FunctionKeys Keys { get; }

    /// <summary>Whether keys are checked (see <see cref="FunctionsTestHostOptions.EnforceKeys"/>).</summary>
    public bool EnforceKeys { get; private init; } = true;

    /// <summary>The running schedule loops (empty unless <see cref="FunctionsTestHostOptions.RunTimersOnSchedule"/>).</summary>
    internal IReadOnlyList<Task> ScheduleLoops => _scheduler?.Loops ?? [];

    /// <summary>Discovers the functions, builds the services and starts listening.</summary>
    public static async Task<FunctionsTestHost> StartAsync(FunctionsTestHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        var configuration = BuildConfiguration(options);
        var catalog = FunctionCatalog.Discover(options.FunctionsAssembly, configuration);
        var hostJson = HostJsonSettings.Load(options.HostJsonPath);

        // The Functions host names its environment in AZURE_FUNCTIONS_ENVIRONMENT (Core Tools: Development); the worker's
        // IHostEnvironment follows it, so the app's Development-only behaviour sees the same name here.
        var environmentName = configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? "Production";
        if (options.AppServiceAuth is not null && !string.Equals(environmentName, "Development", StringComparison.Ordinal))
        {
            // A signed-in user for the asking must never exist outside a developer's machine.
            throw new InvalidOperationException(
                $"The App Service authentication emulation (development users) is refused: AZURE_FUNCTIONS_ENVIRONMENT is '{environmentName}', not Development.");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = options.FunctionsAssembly.GetName().Name,
            EnvironmentName = environmentName,
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        builder.Services.AddRouting();
        builder.Services.AddLogging();

        // The ASP.NET Core integration registers MVC (its assembly references AddMvc) to bind [FromBody] and to
        // execute IActionResult; the same registration gives the same formatters, JSON options and ProblemDetails.
        builder.Services.AddMvc();
        options.ConfigureServices?.Invoke(builder.Services, builder.Configuration);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Testing.FunctionsHost");
        options.AppServiceAuth?.Use(app);
        MapFunctions(app, catalog, hostJson, options.Keys, options.EnforceKeys, options.RunTimersOnSchedule, logger);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var baseAddress = new Uri(address.TrimEnd('/') + "/");
        HostLog.Listening(logger, baseAddress);
        var host = new FunctionsTestHost(app, catalog, hostJson, options.Keys, baseAddress) { EnforceKeys = options.EnforceKeys };
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        foreach (var (name, reason) in catalog.NotIndexed)
        {
            host._unstartable[name] = reason;
            HostLog.ListenerNotStarted(logger, name, reason);
        }

        foreach (var q in catalog.Queues)
        {
            try
            {
                var listener = new QueueListener(
                    q, QueueConnections.Resolve(configuration, q), hostJson.Queues, host.InvokeQueueAsync, options.TimeProvider,
                    loggers.CreateLogger($"Function.{q.Name}"));
                host._queues.Add(q.Name, listener);
                QueueLog.Serving(logger, q.Name, q.QueueName, options.ServeQueues);
                if (options.ServeQueues)
                {
                    listener.Start();
                }
            }
            catch (FunctionDiscoveryException ex)
            {
                // As the host: a trigger whose listener can't start is logged and not run; the other functions are served.
                host._unstartable[q.Name] = ex.Message;
                HostLog.ListenerNotStarted(logger, q.Name, ex.Message);
            }
        }

        if (options.RunTimersOnSchedule)
        {
            host._scheduler = new TimerScheduler(
                catalog.Timers, host.InvokeTimerAsync, options.TimeProvider, options.TimerStatus, app.Services.GetRequiredService<ILoggerFactory>());
        }

        return host;
    }

    /// <summary>
    /// Starts the host and serves until <paramref name="stoppingToken"/> is cancelled (for a console entry point);
    /// <paramref name="started"/> sees the running host, e.g. to print its address and keys.
    /// </summary>
    public static async Task RunAsync(FunctionsTestHostOptions options, CancellationToken stoppingToken, Action<FunctionsTestHost>? started = null)
    {
        await using var host = await StartAsync(options, stoppingToken);
        started?.Invoke(host);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = stoppingToken.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    /// <summary>
    /// An HttpClient on <see cref="BaseAddress"/>; with <paramref name="functionKey"/> every request carries it in
    /// <c>x-functions-key</c> (no key is added otherwise, so auth stays explicit in tests). The caller disposes it.
    /// </summary>
    public HttpClient CreateClient(string? functionKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (functionKey is not null)
        {
            client.DefaultRequestHeaders.Add(FunctionKeyAuthorizer.KeyHeader, functionKey);
        }

        return client;
    }

    /// <summary>Absolute address of a function route, e.g. <c>FunctionUri("calls/42")</c> → http://127.0.0.1:port/api/calls/42.</summary>
    public Uri FunctionUri(string route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var prefix = RoutePrefix.Length == 0 ? string.Empty : RoutePrefix + "/";
        return new Uri(BaseAddress, prefix + route.TrimStart('/'));
    }

    /// <summary>
    /// Runs a timer function now, as the schedule would: a new instance in a new service scope, given a
    /// <see cref="TimerInfo"/>. The function's exception, if any, is rethrown to the caller.
    /// </summary>
    public async Task RunTimerAsync(string functionName, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_timers.TryGetValue(functionName, out var function))
        {
            throw new ArgumentException($"No timer-triggered function named '{functionName}'.", nameof(functionName));
        }

        await InvokeTimerAsync(function, new TimerInfo { IsPastDue = isPastDue }, cancellationToken);
    }

    /// <summary>
    /// Delivers, once each, the messages now visible on a queue-triggered function's queue whose due time has come
    /// (see README: a top-level <c>dueAt</c> in a JSON body is read against <see cref="FunctionsTestHostOptions.TimeProvider"/>),
    /// with the poller's handling (delete after success; retry, then <c>-poison</c> after <c>maxDequeueCount</c>
    /// failures). The function's exceptions are not rethrown (the host does not either); returns how many messages
    /// were delivered.
    /// </summary>
    public Task<int> RunQueueAsync(string functionName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_unstartable.TryGetValue(functionName, out var reason))
        {
            throw new InvalidOperationException($"The queue listener of '{functionName}' did not start: {reason}");
        }

        if (!_queues.TryGetValue(functionName, out var listener))
        {
            throw new ArgumentException($"No queue-triggered function named '{functionName}'.", nameof(functionName));
        }

        return listener.RunOnceAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var listener in _queues.Values)
        {
            await listener.DisposeAsync();
        }

        // Schedules first, so no run starts against a stopping app; a run in progress sees its token cancelled.
        if (_scheduler is not null)
        {
            await _scheduler.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task InvokeTimerAsync(TimerFunctionDescriptor function, TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new HostFunctionContext(new HostFunctionDefinition(function), scope.ServiceProvider, new Dictionary<string, object?>(), cancellationToken);
        var arguments = function.Parameters.Select(p => p switch
        {
            TimerInfoParameter => timerInfo,
            FunctionContextParameter => context,
            CancellationTokenParameter => (object)cancellationToken,
            _ => throw new FunctionInputBindingException(function.Name, $"parameter '{p.Name}' has no timer binding"),
        }).ToArray();

        await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, arguments);
    }

    private async Task InvokeQueueAsync(QueueFunctionDescriptor function, Azure.Storage.Queues.Models.QueueMessage message, CancellationToken cancellationToken)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var bindingData = new Dictionary<string, object?>
        {
            ["Id"] = message.MessageId,
            ["DequeueCount"] = message.DequeueCount,
            ["InsertionTime"] = message.InsertedOn,
            ["ExpirationTime"] = message.ExpiresOn,
            ["NextVisibleTime"] = message.NextVisibleOn,
            ["PopReceipt"] = message.PopReceipt,
        };
        var context = new HostFunctionContext(new HostFunctionDefinition(function), scope.ServiceProvider, bindingData, cancellationToken);
        var arguments = function.Parameters.Select(p => p switch
        {
            QueueMessageParameter q when q.Type == typeof(string) => message.Body.ToString(),
            QueueMessageParameter q when q.Type == typeof(BinaryData) => message.Body,
            QueueMessageParameter q when q.Type == typeof(byte[]) => message.Body.ToArray(),
            QueueMessageParameter => message,
            FunctionContextParameter => context,
            CancellationTokenParameter => (object)cancellationToken,
            _ => throw new FunctionInputBindingException(function.Name, $"parameter '{p.Name}' has no queue binding"),
        }).ToArray();

        try
        {
            await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, arguments);
        }
        catch (Exception ex)
        {
            HostLog.InvocationFailed(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger($"Function.{function.Name}"), ex, function.Name, context.InvocationId);
            throw;
        }
    }

    private static IConfiguration BuildConfiguration(FunctionsTestHostOptions options)
    {
        var configuration = new ConfigurationBuilder();
        if (options.IncludeEnvironmentVariables)
        {
            configuration.AddEnvironmentVariables();
        }

        return configuration.AddInMemoryCollection(options.Settings).Build();
    }

    private static void MapFunctions(WebApplication app, FunctionCatalog catalog, HostJsonSettings hostJson, FunctionKeys keys, bool enforceKeys, bool runOnSchedule, ILogger logger)
    {
        app.UseRouting();

        // The host answers 404 both for an unknown route and for a known route with a method the function does
        // not list (no 405: azure-functions-host#10098), so anything not routed to a function is a bare 404.
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<HttpFunctionEndpoint>() is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(http);
        });

        foreach (var function in catalog.Http)
        {
            var endpoint = new HttpFunctionEndpoint(function, keys, enforceKeys, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger($"Function.{function.Name}"));
            var pattern = hostJson.RoutePrefix.Length == 0 ? function.Route : $"{hostJson.RoutePrefix}/{function.Route}";
            var mapped = function.HttpMethods.IsEmpty
                ? app.Map(pattern, endpoint.InvokeAsync)
                : app.MapMethods(pattern, function.HttpMethods, endpoint.InvokeAsync);
            mapped.WithDisplayName(function.Name).WithMetadata(endpoint);
            HostLog.ServingHttp(logger, function.Name, function.HttpMethods.IsEmpty ? "*" : string.Join(',', function.HttpMethods), pattern, function.AuthLevel);
        }

        foreach (var timer in catalog.Timers)
        {
            HostLog.ServingTimer(logger, timer.Name, timer.Schedule, runOnSchedule);
        }

        foreach (var name in catalog.Unserved)
        {
            HostLog.Unserved(logger, name);
        }
    }
}
