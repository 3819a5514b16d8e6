using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Testing.FunctionsHost.Tests.Samples;

namespace Serverless.Testing.FunctionsHost.Tests;

/// <summary>Builds hosts over this assembly's sample functions with known keys and a temp host.json.</summary>
public static class TestHosts
{
    public const string MasterKey = "master-key-0123";
    public const string HostKey = "host-key-4567";
    public const string GetCallKey = "getcall-key-89";

    /// <summary>Azurite as scripts/test.sh starts it (AZURE_STORAGE_CONNECTION_STRING), else the default local one.</summary>
    public static string AzuriteConnectionString =>
        Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    public static FunctionKeys Keys() => new FunctionKeys(MasterKey, HostKey).AddFunctionKey("GetCall", GetCallKey);

    /// <summary>Writes a host.json with the given route prefix (null: no extensions section at all).</summary>
    public static string WriteHostJson(string? routePrefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        var json = routePrefix is null
            ? """{ "version": "2.0" }"""
            : $$"""{ "version": "2.0", "extensions": { "http": { "routePrefix": "{{routePrefix}}" } } }""";
        File.WriteAllText(path, json);
        return path;
    }

    public static Task<FunctionsTestHost> StartAsync(string? hostJsonPath, RecordingLoggerProvider? logs = null) =>
        FunctionsTestHost.StartAsync(Options(hostJsonPath, logs));

    public static FunctionsTestHostOptions Options(string? hostJsonPath, RecordingLoggerProvider? logs = null, int port = 0) =>
        new(typeof(TestHosts).Assembly)
        {
            Port = port,
            HostJsonPath = hostJsonPath,
            Keys = Keys(),
            IncludeEnvironmentVariables = false,
            Settings = new Dictionary<string, string?>
            {
                ["SweepSchedule"] = "0 */5 * * * *",
                ["Greeting"] = "Hello",
                ["SampleQueues"] = AzuriteConnectionString,
            },
            ConfigureServices = (services, configuration) =>
            {
                services.AddSingleton(new Greeter(configuration["Greeting"]!));
                services.AddScoped<ScopeMarker>();
                services.AddSingleton<InvocationLog>();
                if (logs is not null)
                {
                    services.AddSingleton<ILoggerProvider>(logs);
                }
            },
        };
}

/// <summary>One host (prefix "api") shared by a test class.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private string? _hostJson;

    public FunctionsTestHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RecordingLoggerProvider Logs { get; } = new();

    public InvocationLog Invocations => Host.Services.GetRequiredService<InvocationLog>();

    public async Task InitializeAsync()
    {
        _hostJson = TestHosts.WriteHostJson("api");
        Host = await TestHosts.StartAsync(_hostJson, Logs);
        Client = new HttpClient { BaseAddress = Host.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        File.Delete(_hostJson!);
    }
}

/// <summary>Keeps every log entry (category, level, rendered message, exception) for assertions.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, _entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class RecordingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
