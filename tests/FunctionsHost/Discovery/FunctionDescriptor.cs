using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>One discovered <c>[Function]</c> method and how to call it.</summary>
public abstract record FunctionDescriptor(
    string Name,
    MethodInfo Method,
    ImmutableArray<FunctionParameterSource> Parameters)
{
    /// <summary>"Namespace.Type.Method", as the worker's function metadata names the entry point.</summary>
    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";
}

/// <summary>An HTTP-triggered function: route template (without prefix), methods (empty = any) and auth level.</summary>
public sealed record HttpFunctionDescriptor(
    string Name,
    MethodInfo Method,
    ImmutableArray<FunctionParameterSource> Parameters,
    string Route,
    ImmutableArray<string> HttpMethods,
    AuthorizationLevel AuthLevel) : FunctionDescriptor(Name, Method, Parameters);

/// <summary>
/// A timer-triggered function with its (resolved) six-field NCRONTAB schedule and the trigger's
/// <c>RunOnStartup</c> and <c>UseMonitor</c> (past-due tracking) flags.
/// </summary>
public sealed record TimerFunctionDescriptor(
    string Name,
    MethodInfo Method,
    ImmutableArray<FunctionParameterSource> Parameters,
    string Schedule,
    bool RunOnStartup = false,
    bool UseMonitor = true) : FunctionDescriptor(Name, Method, Parameters);

/// <summary>
/// A queue-triggered function: its (resolved) queue name and the app setting naming its storage connection
/// (<c>AzureWebJobsStorage</c> when the trigger names none, as in the host).
/// </summary>
public sealed record QueueFunctionDescriptor(
    string Name,
    MethodInfo Method,
    ImmutableArray<FunctionParameterSource> Parameters,
    string QueueName,
    string Connection) : FunctionDescriptor(Name, Method, Parameters);
