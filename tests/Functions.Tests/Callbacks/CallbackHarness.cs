using Serverless.Functions.Calls;
using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Tests.Calls;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>The callback dispatcher wired as in the app, on Azurite and a fake clock, loopback explicitly allowed.</summary>
internal sealed class CallbackHarness : IAsyncDisposable
{
    public const string Secret = "test-callback-secret-0123456789abcdef";
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string _prefix = AzuriteTables.UniquePrefix();

    public FakeTimeProvider Clock { get; } = new(T0);

    public ServiceProvider Services { get; private set; } = null!;

    public CallbackDispatcher Dispatcher => Services.GetRequiredService<CallbackDispatcher>();

    /// <summary>Builds the services; <paramref name="resolve"/> replaces DNS for host names.</summary>
    public static CallbackHarness Start(bool allowLoopback = true, Func<string, IPAddress[]>? resolve = null)
    {
        var harness = new CallbackHarness();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(harness.Clock);
        services.AddSingleton<TableServiceClient>(AzuriteTables.Client());
        if (resolve is not null)
        {
            services.AddSingleton(sp => new CallbackUrlPolicy(sp.GetRequiredService<IOptions<CallbackOptions>>(), (host, _) => Task.FromResult(resolve(host))));
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Callbacks:SigningSecret"] = Secret,
            ["Callbacks:TablePrefix"] = harness._prefix,
            ["Callbacks:AllowLoopback"] = allowLoopback ? "true" : "false",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["Callbacks:RetryBaseDelay"] = "00:00:05",
        }).Build();
        services.AddCallbackDispatch(configuration);
        // Same guarded handler as production; only the certificate check knows our self-signed receiver.
        services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => CallbackReceiver.IsOurCertificate(certificate);
            return handler;
        });
        harness.Services = services.BuildServiceProvider();
        return harness;
    }

    public static CallbackEvent Event(string eventId, string type = "call.ended") => new()
    {
        EventId = eventId,
        CallId = "call-42",
        Type = type,
        OccurredAt = T0,
        State = "ended",
        Outcome = "completed",
        DurationSeconds = 61.5,
        Inputs = [new InputView("12", "terminator", "#", "pin", T0, T0.AddSeconds(2))],
        Recording = new RecordingView(new Uri("https://recordings.example.com/call-42.ogg"), "audio/ogg", 3, 12_000),
    };

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await AzuriteTables.Client().DeleteTableAsync(_prefix + "CallbackOutbox");
    }
}
