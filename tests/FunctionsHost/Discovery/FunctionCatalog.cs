using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.Extensions.Configuration;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>
/// The functions of one assembly, found by reflection: methods carrying <c>[Function("Name")]</c> on classes
/// that code elsewhere in the assembly can reach (public or internal, as the worker's source-generated
/// executor can call them; CA1515 pushes an app's classes to internal).
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(
        ImmutableArray<HttpFunctionDescriptor> http,
        ImmutableArray<TimerFunctionDescriptor> timers,
        ImmutableArray<QueueFunctionDescriptor> queues,
        ImmutableArray<string> unserved,
        ImmutableDictionary<string, string> notIndexed)
    {
        NotIndexed = notIndexed;
        Http = http;
        Timers = timers;
        Queues = queues;
        Unserved = unserved;
    }

    public ImmutableArray<HttpFunctionDescriptor> Http { get; }

    public ImmutableArray<TimerFunctionDescriptor> Timers { get; }

    public ImmutableArray<QueueFunctionDescriptor> Queues { get; }

    /// <summary>
    /// Queue functions the host could not index (a <c>%Setting%</c> queue name that is not configured), with the
    /// reason. As in the host (v4), such a function is logged and left out; the others are served.
    /// </summary>
    public ImmutableDictionary<string, string> NotIndexed { get; }

    /// <summary>Functions with a trigger this host does not run (Service Bus, blobs ...), by name.</summary>
    public ImmutableArray<string> Unserved { get; }

    /// <summary>Finds every function; throws <see cref="FunctionDiscoveryException"/> naming the first bad one.</summary>
    public static FunctionCatalog Discover(Assembly assembly, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Discover(assembly.GetTypes().Where(IsReachableInAssembly), configuration);
    }

    /// <summary>Discovery over explicit types (lets tests feed deliberately broken, private samples).</summary>
    internal static FunctionCatalog Discover(IEnumerable<Type> types, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(configuration);

        var http = ImmutableArray.CreateBuilder<HttpFunctionDescriptor>();
        var timers = ImmutableArray.CreateBuilder<TimerFunctionDescriptor>();
        var queues = ImmutableArray.CreateBuilder<QueueFunctionDescriptor>();
        var unserved = ImmutableArray.CreateBuilder<string>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var notIndexed = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach (var method in FunctionMethods(types))
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
            if (names.TryGetValue(name, out var other))
            {
                throw new FunctionDiscoveryException(name, $"the name is used by both {other} and {EntryPoint(method)}");
            }

            names.Add(name, EntryPoint(method));
            FunctionDescriptor? described;
            try
            {
                described = Describe(name, method, configuration);
            }
            catch (UnresolvedQueueSettingException ex)
            {
                notIndexed[name] = ex.Message;
                continue;
            }

            switch (described)
            {
                case HttpFunctionDescriptor h:
                    http.Add(h);
                    break;
                case TimerFunctionDescriptor t:
                    timers.Add(t);
                    break;
                case QueueFunctionDescriptor q:
                    queues.Add(q);
                    break;
                default:
                    unserved.Add(name);
                    break;
            }
        }

        RouteConflicts.ThrowIfAny(http);
        return new FunctionCatalog(http.ToImmutable(), timers.ToImmutable(), queues.ToImmutable(), unserved.ToImmutable(), notIndexed.ToImmutable());
    }

    private static IEnumerable<MethodInfo> FunctionMethods(IEnumerable<Type> types) =>
        types
            .Where(t => t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .OrderBy(EntryPoint, StringComparer.Ordinal);

    // Generated code in the same assembly can reach public and internal types, nested ones only through
    // reachable parents; private or protected nested classes cannot host functions.
    private static bool IsReachableInAssembly(Type type) =>
        !type.IsNested
        || ((type.IsNestedPublic || type.IsNestedAssembly || type.IsNestedFamORAssem) && IsReachableInAssembly(type.DeclaringType!));

    private static string EntryPoint(MethodInfo method) => $"{method.DeclaringType!.FullName}.{method.Name}";

    private static FunctionDescriptor? Describe(string name, MethodInfo method, IConfiguration configuration)
    {
        if (!(method.IsPublic || method.IsAssembly || method.IsFamilyOrAssembly))
        {
            throw new FunctionDiscoveryException(name, $"method {method.Name} must be public or internal for the worker to call it");
        }

        var parameters = method.GetParameters();
        var triggers = parameters.Where(p => p.GetCustomAttribute<TriggerBindingAttribute>(inherit: true) is not null).ToArray();
        if (triggers.Length != 1)
        {
            throw new FunctionDiscoveryException(name, $"has {triggers.Length} trigger parameters; a function has exactly one");
        }

        var trigger = triggers[0].GetCustomAttribute<TriggerBindingAttribute>(inherit: true)!;
        if (trigger is not HttpTriggerAttribute and not TimerTriggerAttribute and not QueueTriggerAttribute)
        {
            return null;
        }

        if (method.GetCustomAttributes<OutputBindingAttribute>(inherit: true).Any()
            || method.ReturnParameter.GetCustomAttributes<OutputBindingAttribute>(inherit: true).Any())
        {
            throw new FunctionDiscoveryException(name, "output binding attributes are not supported by the test host");
        }

        var isHttp = trigger is HttpTriggerAttribute;
        var sources = parameters.Select(p => ParameterSources.Describe(name, p, isHttp)).ToImmutableArray();
        ReturnTypes.Validate(name, method.ReturnType, isHttp);

        if (trigger is HttpTriggerAttribute httpTrigger)
        {
            if (httpTrigger.AuthLevel == AuthorizationLevel.User)
            {
                throw new FunctionDiscoveryException(name, "AuthorizationLevel.User (App Service authentication) is not supported by the test host");
            }

            var route = string.IsNullOrWhiteSpace(httpTrigger.Route) ? name : httpTrigger.Route.Trim('/');
            var methods = (httpTrigger.Methods ?? []).Select(m => m.ToUpperInvariant()).Distinct().ToImmutableArray();
            return new HttpFunctionDescriptor(name, method, sources, route, methods, httpTrigger.AuthLevel);
        }

        if (trigger is QueueTriggerAttribute queueTrigger)
        {
            string queueName;
            try
            {
                queueName = ResolveSetting(name, queueTrigger.QueueName, configuration);
            }
            catch (FunctionDiscoveryException ex)
            {
                throw new UnresolvedQueueSettingException(ex.Message);
            }

            // Storage queue names: 3-63 lower-case letters, digits and single dashes, starting and ending alphanumeric.
            if (!System.Text.RegularExpressions.Regex.IsMatch(queueName, "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$"))
            {
                throw new FunctionDiscoveryException(name, $"'{queueName}' is not a valid storage queue name");
            }

            var connection = string.IsNullOrEmpty(queueTrigger.Connection) ? "AzureWebJobsStorage" : queueTrigger.Connection;
            return new QueueFunctionDescriptor(name, method, sources, queueName, connection);
        }

        var timerTrigger = (TimerTriggerAttribute)trigger;
        var schedule = ResolveSetting(name, timerTrigger.Schedule, configuration);
        if (!CronSchedule.IsValid(schedule, out var problem))
        {
            throw new FunctionDiscoveryException(name, problem!);
        }

        return new TimerFunctionDescriptor(name, method, sources, schedule, timerTrigger.RunOnStartup, timerTrigger.UseMonitor);
    }

    // "%Name%" schedules and queue names come from app settings, as in the host.
    private static string ResolveSetting(string functionName, string value, IConfiguration configuration)
    {
        if (value.Length > 2 && value[0] == '%' && value[^1] == '%')
        {
            var key = value[1..^1];
            return configuration[key]
                ?? throw new FunctionDiscoveryException(functionName, $"app setting '{key}' named by the schedule is not configured");
        }

        return value;
    }
}

/// <summary>A queue trigger's <c>%Setting%</c> is not configured: that function is not indexed (see <see cref="FunctionCatalog.NotIndexed"/>).</summary>
internal sealed class UnresolvedQueueSettingException(string message) : Exception(message);
