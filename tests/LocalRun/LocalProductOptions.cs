using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Shared.Transport;
using Serverless.Testing.WhatsAppSimulator;

namespace Serverless.Testing.LocalRun;

/// <summary>How <see cref="LocalProduct"/> composes the product on this machine (loopback only).</summary>
public sealed class LocalProductOptions
{
    /// <summary>Azure Storage for tables, queues and blobs (Azurite by default).</summary>
    public string StorageConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// Which broker carries the Functions' commands to the MediaNode: <see cref="TransportKind.StorageQueues"/> on
    /// Azurite, or <see cref="TransportKind.ServiceBus"/> through the real client to an in-process AMQP test broker
    /// (tests/ServiceBusBroker) whose queues have the deployed (Bicep) settings.
    /// </summary>
    public TransportKind Transport { get; set; } = TransportKind.StorageQueues;

    /// <summary>The Service Bus test broker's TCP port on 127.0.0.1 (with <see cref="TransportKind.ServiceBus"/>); 0 picks a free one.</summary>
    public int ServiceBusPort { get; set; }

    /// <summary>Prefix of this run's queues and tables (lower-case letters and digits), so runs never share commands.</summary>
    public string RunId { get; set; } = "e2e" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The Functions' HTTP port on 127.0.0.1; 0 picks a free one (kept across restarts).</summary>
    public int FunctionsPort { get; set; }

    /// <summary>Run a MediaNode in this process; false when one runs as its own process (see <see cref="NodeSettings"/>).</summary>
    public bool InProcessMediaNode { get; set; } = true;

    /// <summary>Calls the in-process MediaNode admits.</summary>
    public int MediaNodeMaxCalls { get; set; } = 10;

    /// <summary>The Functions' clock (e.g. one that can jump ahead to pass a deadline).</summary>
    public TimeProvider? FunctionsTime { get; set; }

    /// <summary>Changes the simulator before it starts (user behaviour, dialect, timings).</summary>
    public Action<SimulatorOptions>? ConfigureSimulator { get; set; }

    /// <summary>Changes the Functions' app settings before they start.</summary>
    public Action<IDictionary<string, string?>>? ConfigureFunctions { get; set; }

    /// <summary>Changes the in-process MediaNode's settings (configuration keys, e.g. <c>Streams:AllowLoopback</c>) before it starts.</summary>
    public Action<IDictionary<string, string?>>? ConfigureMediaNode { get; set; }

    /// <summary>Changes the Functions' services after the app registered its own (e.g. trust a test certificate).</summary>
    public Action<IServiceCollection>? ConfigureFunctionsServices { get; set; }

    /// <summary>Run the Functions' timers on their schedules (the local run); tests leave it off and call RunTimerAsync.</summary>
    public bool RunTimersOnSchedule { get; set; }

    /// <summary>
    /// Serve the Functions' queue triggers by polling (deadlines, node watch, callbacks, dials), as in Azure; on with
    /// <see cref="RunTimersOnSchedule"/>. Tests leave it off and call RunQueueAsync.
    /// </summary>
    public bool ServeQueues { get; set; }

    /// <summary>Check function keys as in Azure (tests); the local run turns this off unless asked, as Core Tools does.</summary>
    public bool EnforceKeys { get; set; } = true;

    /// <summary>Adds log providers to every component (null: silent).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>
    /// Plays App Service authentication for the agent console (named development users); the Functions must run in
    /// Development (<c>AZURE_FUNCTIONS_ENVIRONMENT</c>) or the host refuses to start.
    /// </summary>
    public Serverless.Testing.FunctionsHost.Http.AppServiceAuthEmulation? AppServiceAuth { get; set; }
}
