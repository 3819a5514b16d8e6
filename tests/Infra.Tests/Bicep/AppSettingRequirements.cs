using System.Reflection;
using System.Text.Json.Nodes;
using Serverless.Functions.Calls;
using Serverless.Functions.Graph;
using Serverless.Functions.Hosting;
using Serverless.Shared.Transport;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// What the Functions code reads, derived from the code itself: every options class with a <c>SectionName</c>
/// (plus the call store's fixed section), and local.settings.example.json. A setting is required in Azure when the
/// code has no usable default for it: a non-nullable string or list that is empty on a fresh options object.
/// </summary>
internal static class AppSettingRequirements
{
    /// <summary>Options sections whose class has no SectionName constant, by the name the code binds.</summary>
    private static readonly Dictionary<Type, string> ExtraSections = new() { [typeof(CallStoreOptions)] = "CallStore" };

    /// <summary>
    /// Connection strings the example file uses locally and the identity-based settings that replace them in Azure
    /// (shared keys are off there). Every table shares the one identity-based TableServiceClient registered from
    /// Storage:ServiceUri.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> IdentityReplacements = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
        ["Transport__ConnectionString"] = "Transport__FullyQualifiedNamespace",
        ["Storage__ConnectionString"] = "Storage__ServiceUri",
        // The work queues' connection (queue triggers and the app's sender): the account's queue endpoint by identity.
        ["WorkQueues"] = "WorkQueues__queueServiceUri",
        ["Recordings__ConnectionString"] = "Recordings__ServiceUri",
        // The local Web PubSub stand-in's key; in Azure local auth is off and the app's identity gets Entra tokens.
        ["Console__WebPubSub__AccessKey"] = "Console__WebPubSub__Endpoint",
    };

    /// <summary>Flex Consumption declares the worker runtime in functionAppConfig.runtime, not as a setting.</summary>
    public const string WorkerRuntimeSetting = "FUNCTIONS_WORKER_RUNTIME";

    public static IReadOnlyList<(Type Options, string Section)> OptionsSections()
    {
        var assemblies = new[] { typeof(MetaOptions).Assembly, typeof(MediaTransportOptions).Assembly };
        var found = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true })
            .Select(x => (x.Type, (string)x.Field!.GetRawConstantValue()!))
            .Concat(ExtraSections.Select(e => (e.Key, e.Value)));
        return [.. found];
    }

    /// <summary>Settings (<c>Section__Property</c>, lists as <c>__0</c>) that have no usable default.</summary>
    public static IEnumerable<string> RequiredFromOptions(Type options, string section)
    {
        var instance = Activator.CreateInstance(options)!;
        var nullability = new NullabilityInfoContext();
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is null || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var optional = nullability.Create(property).ReadState == NullabilityState.Nullable;
            var value = property.GetValue(instance);
            if (!optional && property.SetMethod is not null && value is string { Length: 0 })
            {
                yield return $"{section}__{property.Name}";
            }
            else if (!optional && value is System.Collections.IList { Count: 0 } && property.PropertyType != typeof(string))
            {
                yield return $"{section}__{property.Name}__0";
            }
        }
    }

    /// <summary>Names of settings that hold secrets, by the property names the options use for them.</summary>
    public static bool IsSecretName(string setting)
    {
        var last = setting.Split("__", StringSplitOptions.RemoveEmptyEntries).Last();
        return last.EndsWith("Secret", StringComparison.Ordinal)
            || last.EndsWith("Token", StringComparison.Ordinal)
            || last.EndsWith("ConnectionString", StringComparison.Ordinal)
            || last.EndsWith("Password", StringComparison.Ordinal)
            || last.Equals("AccountKey", StringComparison.Ordinal);
    }

    public static IEnumerable<string> ExampleFileKeys()
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("src", "Functions", "local.settings.example.json")))!;
        return json["Values"]!.AsObject().Select(p => p.Key);
    }
}
