using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }
}
