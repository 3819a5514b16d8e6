using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing.FunctionsHost.Timers;

namespace Serverless.Testing.FunctionsHost;

/// <summary>Inputs of a <see cref="FunctionsTestHost"/>.</summary>
public sealed class FunctionsTestHostOptions
{
    public FunctionsTestHostOptions(Assembly functionsAssembly)
    {
        ArgumentNullException.ThrowIfNull(functionsAssembly);
        FunctionsAssembly = functionsAssembly;
    }

    /// <summary>The assembly whose public <c>[Function]</c> methods are served.</summary>
    public Assembly FunctionsAssembly { get; }

    /// <summary>The app's own service registration (the same callback its Program.cs uses).</summary>
    public Action<IServiceCollection, IConfiguration>? ConfigureServices { get; init; }

    /// <summary>App settings layered over the environment variables (later wins), like local.settings.json.</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether environment variables are part of the configuration (the host's app settings are env vars).</summary>
    public bool IncludeEnvironmentVariables { get; init; } = true;

    /// <summary>Path of host.json; null or missing means the default route prefix "api".</summary>
    public string? HostJsonPath { get; init; }

    /// <summary>Keys accepted for Function and Admin level; random keys unless given.</summary>
    public FunctionKeys Keys { get; init; } = FunctionKeys.CreateRandom();

    /// <summary>
    /// Run timer functions on their schedules, as the host does (RunOnStartup and past-due included). Off by default:
    /// tests call <see cref="FunctionsTestHost.RunTimerAsync"/> so that nothing runs behind their back.
    /// </summary>
    public bool RunTimersOnSchedule { get; init; }

    /// <summary>
    /// Poll the queues of queue-triggered functions and run them, as the host does. Off by default: tests call
    /// <see cref="FunctionsTestHost.RunQueueAsync"/> so that nothing runs behind their back.
    /// </summary>
    public bool ServeQueues { get; init; }

    /// <summary>The schedule monitor's store (last/next occurrence per timer); share it across restarts for past-due runs.</summary>
    public TimerStatusStore? TimerStatus { get; init; }

    /// <summary>
    /// The clock schedules run on, and that <see cref="FunctionsTestHost.RunQueueAsync"/> reads a message's
    /// <c>dueAt</c> against (system clock unless given; give the app's own clock when a test moves it).
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether Function and Admin level functions need a key (default true, as in Azure). Core Tools does not check
    /// keys locally; the local run turns this off unless asked for keys.
    /// </summary>
    public bool EnforceKeys { get; init; } = true;

    /// <summary>
    /// Emulates App Service authentication (named development users, <c>X-MS-CLIENT-PRINCIPAL</c>); null: off, and
    /// the header passes through as sent. The host refuses to start with it unless the environment is Development.
    /// </summary>
    public Http.AppServiceAuthEmulation? AppServiceAuth { get; init; }

    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }
}
