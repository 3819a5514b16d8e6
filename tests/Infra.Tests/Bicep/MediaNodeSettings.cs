using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// Turns the container's environment variables from the ARM JSON into configuration as the node would see it:
/// literal values as they are, parameter expressions replaced by a value of the kind the deployment passes.
/// </summary>
internal static partial class MediaNodeSettings
{
    public const string SampleEventsUrl = "https://func-sample.azurewebsites.net/api/media/events";

    private static readonly Dictionary<string, string> SampleParameters = new(StringComparer.Ordinal)
    {
        ["nodeId"] = "mn0",
        ["udpPort"] = "3478",
        ["healthPort"] = "8080",
        ["maxCalls"] = "200",
        ["eventsUrl"] = SampleEventsUrl,
        ["eventsSecret"] = "sample-events-secret-0123456789",
        ["storageBlobEndpoint"] = "https://stmediasample.blob.core.windows.net/",
        ["storageTableEndpoint"] = "https://stmediasample.table.core.windows.net/",
        ["promptsContainerUrl"] = "https://stmediasample.blob.core.windows.net/prompts",
        ["streamKeysVaultUri"] = "https://kv-sample.vault.azure.net/",
        ["serviceBusNamespace"] = "sb-sample.servicebus.windows.net",
        ["newCallsQueue"] = "commands-new",
        ["nodeQueuePrefix"] = "commands-",
        ["identityClientId"] = "00000000-0000-0000-0000-000000000001",
        ["appInsightsConnectionString"] = "InstrumentationKey=00000000-0000-0000-0000-000000000002",
    };

    public static IConfiguration Bind(IEnumerable<JsonObject> environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in environment)
        {
            var name = (string)variable["name"]!;
            var value = (string?)variable["value"] ?? (string?)variable["secureValue"];
            values[name.Replace("__", ":", StringComparison.Ordinal)] = value is null ? null : Evaluate(value);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static string Evaluate(string value)
    {
        var match = ParameterExpression().Match(value);
        if (!match.Success)
        {
            return value.StartsWith('[')
                ? throw new InvalidOperationException($"Unexpected ARM expression in the node's environment: {value}")
                : value;
        }

        var parameter = match.Groups[1].Value;
        return SampleParameters.TryGetValue(parameter, out var sample)
            ? sample
            : throw new InvalidOperationException($"No sample value for parameter '{parameter}'.");
    }

    // [parameters('x')] or [string(parameters('x'))]
    [GeneratedRegex(@"^\[(?:string\()?parameters\('([A-Za-z0-9_]+)'\)\)?\]$")]
    private static partial Regex ParameterExpression();
}
