using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Callbacks;
using Serverless.Functions.Storage;
using Serverless.Functions.Tests.Calls;
using Serverless.Shared.Security;
using Serverless.Testing.FunctionsHost;
using static Serverless.Functions.Tests.Callbacks.CallbackHarness;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>The queue function is discovered by the host and drains the outbox with the app's registration.</summary>
public sealed class CallbackDrainFunctionTests
{
    [Fact]
    public async Task DrainCallbacks_queue_message_sent_with_the_event_delivers_it()
    {
        var prefix = AzuriteTables.UniquePrefix();
        var clock = new FakeTimeProvider(T0);
        await using var receiver = await CallbackReceiver.StartAsync(Secret, clock.GetUtcNow, CallbackReceiver.FreePort());
        await using var host = await FunctionsTestHost.StartAsync(new FunctionsTestHostOptions(typeof(CallbackDrainFunction).Assembly)
        {
            ConfigureServices = (services, configuration) =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<TableServiceClient>(AzuriteTables.Client());
                services.AddWorkQueues(configuration);
                services.AddCallbackDispatch(configuration);
                services.AddHttpClient(CallbackDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
                {
                    var handler = CallbackHttpHandler.Create(sp.GetRequiredService<CallbackUrlPolicy>());
                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => CallbackReceiver.IsOurCertificate(certificate);
                    return handler;
                });
            },
            IncludeEnvironmentVariables = false,
            TimeProvider = clock,
            Settings =
            {
                ["Callbacks:SigningSecret"] = Secret,
                ["Callbacks:TablePrefix"] = prefix,
                ["WorkQueues"] = AzuriteTables.ConnectionString,
                ["WorkQueues:MaxVisibilityDelay"] = "00:00:00",
                ["WorkQueues:CallbacksQueue"] = prefix + "-callbacks",
                ["Callbacks:AllowLoopback"] = "true",
                ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
                [Serverless.Functions.Privacy.RetentionOptions.ScheduleSetting] = Serverless.Functions.Privacy.RetentionOptions.DefaultSchedule,
            },
        });
        try
        {
            var dispatcher = host.Services.GetRequiredService<ICallbackDispatcher>();
            await dispatcher.EnqueueAsync(receiver.Url, Event("evt-timer"));

            Assert.Empty(receiver.Received);
            Assert.Equal(1, await host.RunQueueAsync("DrainCallbacks"));

            var received = Assert.Single(receiver.Received);
            Assert.Equal("evt-timer", received.EventId);
            Assert.Equal(SignatureCheck.Valid, received.Verdict);
        }
        finally
        {
            await AzuriteTables.Client().DeleteTableAsync(prefix + "CallbackOutbox");
        }
    }
}
