using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// Telemetry in Azure (issue 18), over the ARM JSON of infra/bicep/main.bicep: every resource that supports
/// diagnostic settings sends them to the workspace; the workbook and the alerts query log lines and instruments the
/// code really emits (names read from the Bicep, looked up in src/); Flex Consumption's always-ready is a parameter.
/// </summary>
public sealed partial class TelemetryTests
{
    /// <summary>Types Azure Monitor takes diagnostic settings for: each needs one.</summary>
    private static readonly HashSet<string> SupportsDiagnosticSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Storage/storageAccounts/blobServices",
        "Microsoft.Storage/storageAccounts/tableServices",
        "Microsoft.Storage/storageAccounts/queueServices",
        "Microsoft.ServiceBus/namespaces",
        "Microsoft.KeyVault/vaults",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.Web/sites",
        "Microsoft.Web/serverfarms",
        "Microsoft.OperationalInsights/workspaces",
        "Microsoft.Insights/components",
        "Microsoft.ContainerService/managedClusters",
        "Microsoft.Insights/scheduledQueryRules",
        "Microsoft.SignalRService/webPubSub",
    };

    /// <summary>Types that take none (sub-resources, assignments, identities, the settings themselves).</summary>
    private static readonly HashSet<string> TakesNoDiagnosticSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "Microsoft.Resources/deployments",
        "Microsoft.Authorization/roleAssignments",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "Microsoft.ServiceBus/namespaces/queues",
        "Microsoft.KeyVault/vaults/secrets",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        "Microsoft.Storage/storageAccounts/tableServices/tables",
        "Microsoft.Storage/storageAccounts/queueServices/queues",
        "Microsoft.Storage/storageAccounts/managementPolicies",
        "Microsoft.Web/sites/config",
        "Microsoft.Insights/workbooks",
        "Microsoft.Insights/actionGroups",
        "Microsoft.Insights/diagnosticSettings",
    };

    /// <summary>Container groups take no diagnostic settings: their logs go by <c>properties.diagnostics.logAnalytics</c>.</summary>
    private const string ContainerGroups = "Microsoft.ContainerInstance/containerGroups";

    [Fact]
    public void EveryResourceThatSupportsDiagnosticSettings_SendsThemToTheWorkspace()
    {
        var missing = MissingDiagnosticSettings(ArmTemplate.Main.Root);
        Assert.True(missing.Count == 0, "Without diagnostic settings: " + string.Join(", ", missing));

        // Every module that has settings is handed the deployment's workspace.
        foreach (var module in new[] { "storage", "mediaStorage", "serviceBus", "keyVault", "registry", "functions", "aks", "observability" })
        {
            var value = (string?)ArmTemplate.Main.ModuleDeployment(module)["properties"]!["parameters"]!["logAnalyticsWorkspaceId"]!["value"];
            Assert.Contains("outputs.logAnalyticsId.value", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DiagnosticSettingsCheck_NamesAResourceWithout()
    {
        // Control: the storage module without its blob service's settings must be reported by type, or the check above proves nothing.
        var root = JsonNode.Parse(ArmTemplate.Main.Root.ToJsonString())!.AsObject();
        var storage = root["resources"]!.AsArray().Single(r => (string?)r!["name"] == "storage")!["properties"]!["template"]!["resources"]!.AsArray();
        var blobSettings = storage.Single(r => (string?)r!["type"] == "Microsoft.Insights/diagnosticSettings" && ((string)r["scope"]!).Contains("/blobServices'", StringComparison.Ordinal));
        storage.Remove(blobSettings);
        var missing = MissingDiagnosticSettings(root);
        Assert.Equal(["storage: Microsoft.Storage/storageAccounts/blobServices"], missing);

        // And a type nobody classified is reported too.
        storage.Add(new JsonObject { ["type"] = "Microsoft.Example/widgets", ["name"] = "w" });
        Assert.Contains("storage: Microsoft.Example/widgets (unclassified: does it support diagnostic settings?)", MissingDiagnosticSettings(root));
    }

    [Fact]
    public void AciMediaNodes_SendTheirLogsToTheWorkspace()
    {
        var group = ArmTemplate.Main.Module("mediaNode").ResourcesOfType(ContainerGroups).Single();
        var logAnalytics = group["properties"]!["diagnostics"]!["logAnalytics"]!;
        Assert.Contains("customerId", (string?)logAnalytics["workspaceId"], StringComparison.Ordinal);
        // The key is read at deployment (listKeys), never a parameter or an output.
        Assert.Contains("listKeys(", (string?)logAnalytics["workspaceKey"], StringComparison.Ordinal);
        Assert.Equal("ContainerInstanceLogs", (string?)logAnalytics["logType"]);
        Assert.DoesNotContain("workspaceKey", ArmTemplate.Main.Module("mediaNode").Root["outputs"]?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkbookAndAlerts_QueryOnlyLogLinesAndInstrumentsTheCodeEmits()
    {
        var observability = ArmTemplate.Main.Module("observability");
        var strings = Strings(observability.Root).ToList();
        var templates = LogTemplatesInSource();
        var instruments = InstrumentsInSource();
        Assert.Contains("Call {CallId} ended {State} ({Outcome}, {EndReason}) on {Trigger}", templates);
        Assert.Contains("medianode.call.mos", instruments);

        var patterns = strings.SelectMany(s => ParsePattern().Matches(s).Select(m => m.Groups[1].Value.Trim())).Distinct().ToList();
        var parsed = patterns.Select(ToTemplate).ToList();
        Assert.True(parsed.Count >= 7, "expected the seven log lines the workbook and alerts parse, found " + parsed.Count);
        var unknownLines = parsed.Where(t => !templates.Contains(t)).ToList();
        Assert.True(unknownLines.Count == 0, "Parsed in Bicep but logged nowhere in src: " + string.Join(" | ", unknownLines));

        var metrics = strings.SelectMany(MetricNamesIn).Distinct().ToList();
        Assert.Contains("medianode.calls.active", metrics);
        Assert.Contains("medianode.call.loss", metrics);
        Assert.Contains("medianode.call.jitter", metrics);
        var unknownMetrics = metrics.Where(m => !instruments.Contains(m)).ToList();
        Assert.True(unknownMetrics.Count == 0, "Queried in Bicep but no instrument in src: " + string.Join(", ", unknownMetrics));

        // Each of the four alerts reads one of those log lines (a variable holding a checked parse pattern).
        var alerts = observability.Variables["alerts"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal(["call-failure-rate", "node-heartbeat-missing", "callbacks-dead-lettered", "meta-error-spike"], alerts.Select(a => (string)a["name"]!));
        foreach (var alert in alerts)
        {
            var query = (string)alert["query"]!;
            var reads = VariableReference().Matches(query).Select(m => (string?)observability.Variables[m.Groups[1].Value]).ToList();
            Assert.True(reads.Any(r => r is not null && ParsePattern().IsMatch(r)), $"alert {alert["name"]} reads no checked log line: {query}");
        }
    }

    [Fact]
    public void TheNameCheck_RefusesALogLineOrInstrumentThatDoesNotExist()
    {
        // Control: a pattern one word off, and an instrument one letter off, are not found in src.
        Assert.Equal("Call {CallId} finished {State} ({Outcome}, {EndReason}) on {Trigger}", ToTemplate("\"Call \" CallId \" finished \" State \" (\" Outcome \", \" EndReason \") on \" Trigger"));
        Assert.DoesNotContain("Call {CallId} finished {State} ({Outcome}, {EndReason}) on {Trigger}", LogTemplatesInSource());
        Assert.DoesNotContain("medianode.call.moss", InstrumentsInSource());
    }

    [Fact]
    public void Workbook_HasTheDashboardsCharts_AndTheAlertsTheirRules()
    {
        var observability = ArmTemplate.Main.Module("observability");
        var workbook = observability.ResourcesOfType("Microsoft.Insights/workbooks").Single();
        Assert.Equal("[string(variables('workbookContent'))]", (string?)workbook["properties"]!["serializedData"]);
        var charts = observability.Variables["charts"]!.AsArray().Select(c => (string)c!["name"]!).ToList();
        foreach (var chart in new[] { "success-rate", "outcomes", "setup-time", "mos", "per-number" })
        {
            Assert.Contains(chart, charts);
        }

        var rules = observability.ResourcesOfType("Microsoft.Insights/scheduledQueryRules").Single();
        Assert.Equal("[length(variables('alerts'))]", (string?)rules["copy"]!["count"]);
        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", (string?)rules["properties"]!["scopes"]![0]);
        var passed = ArmTemplate.Main.ModuleDeployment("observability")["properties"]!["parameters"]!;
        Assert.Equal("[parameters('alertCallFailureRatePercent')]", (string?)passed["callFailureRatePercent"]!["value"]);
        Assert.Equal("[parameters('alertEmail')]", (string?)passed["alertEmail"]!["value"]);
    }

    [Fact]
    public void FlexConsumption_AlwaysReadyIsAParameter()
    {
        Assert.Equal(0, (int)ArmTemplate.Main.Parameters["functionsAlwaysReadyHttp"]!["defaultValue"]!);
        var functions = ArmTemplate.Main.ModuleDeployment("functions")["properties"]!["parameters"]!;
        Assert.Equal("[parameters('functionsAlwaysReadyHttp')]", (string?)functions["alwaysReadyHttp"]!["value"]);
        var site = ArmTemplate.Main.Module("functions").ResourcesOfType("Microsoft.Web/sites").Single();
        var alwaysReady = (string)site["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["alwaysReady"]!;
        // Flex Consumption's group of the HTTP triggers (the dial API and the webhook) is named "http".
        Assert.Contains("createObject('name', 'http', 'instanceCount', parameters('alwaysReadyHttp'))", alwaysReady, StringComparison.Ordinal);
    }

    /// <summary>"module: type" of every resource that should have diagnostic settings and has none, walking nested modules.</summary>
    private static List<string> MissingDiagnosticSettings(JsonObject template, string path = "main")
    {
        var missing = new List<string>();
        var resources = template["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var settings = resources.Where(r => (string?)r["type"] == "Microsoft.Insights/diagnosticSettings")
            .Where(s => !string.IsNullOrEmpty((string?)s["properties"]?["workspaceId"]))
            .Select(s => (Type: ScopeType().Match((string?)s["scope"] ?? string.Empty).Groups[1].Value, Copy: (string?)s["copy"]?["count"]))
            .ToList();
        foreach (var resource in resources)
        {
            var type = (string)resource["type"]!;
            if (type == "Microsoft.Resources/deployments")
            {
                var name = ((string)resource["name"]!).Trim('[', ']', '\'');
                missing.AddRange(MissingDiagnosticSettings(resource["properties"]!["template"]!.AsObject(), name.Contains('(', StringComparison.Ordinal) ? "mediaNode" : name));
                continue;
            }

            if (type == ContainerGroups || TakesNoDiagnosticSettings.Contains(type))
            {
                continue;
            }

            if (!SupportsDiagnosticSettings.Contains(type))
            {
                missing.Add($"{path}: {type} (unclassified: does it support diagnostic settings?)");
                continue;
            }

            var copy = (string?)resource["copy"]?["count"];
            if (!settings.Any(s => string.Equals(s.Type, type, StringComparison.OrdinalIgnoreCase) && s.Copy == copy))
            {
                missing.Add($"{path}: {type}");
            }
        }

        return missing;
    }

    /// <summary>Converts a KQL parse pattern ("Call " CallId " ended " State ...) to a message template (Call {CallId} ended {State} ...).</summary>
    private static string ToTemplate(string pattern) =>
        string.Concat(PatternToken().Matches(pattern).Select(m => m.Groups[1].Success ? m.Groups[1].Value : "{" + m.Groups[2].Value + "}"));

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(RepoPaths.Of("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static HashSet<string> LogTemplatesInSource() =>
        [.. SourceFiles().SelectMany(f => LoggerMessageTemplate().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))];

    private static HashSet<string> InstrumentsInSource() =>
        [.. SourceFiles().SelectMany(f => InstrumentCreation().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))];

    /// <summary>Every string in the template; inside ARM expressions ('[...]') a doubled quote is one quote.</summary>
    private static IEnumerable<string> Strings(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Strings(p.Value)),
        JsonArray a => a.SelectMany(v => v is null ? [] : Strings(v)),
        JsonValue v when v.TryGetValue<string>(out var s) => [s.StartsWith('[') ? s.Replace("''", "'", StringComparison.Ordinal) : s],
        _ => [],
    };

    /// <summary>The AppMetrics names a query filters on: <c>Name == 'x'</c> and <c>Name in ('x', 'y')</c>.</summary>
    private static IEnumerable<string> MetricNamesIn(string query) =>
        MetricEquals().Matches(query).Select(m => m.Groups[1].Value)
            .Concat(MetricIn().Matches(query).SelectMany(m => m.Groups[1].Value.Split(',').Select(n => n.Trim().Trim('\''))));

    [GeneratedRegex(@"resourceId\('([^']+)'")]
    private static partial Regex ScopeType();

    // A parse-where pattern runs to the next pipe or semicolon (the end of that step).
    [GeneratedRegex(@"parse-where Message with ((?:""[^""]*""|[A-Za-z_][A-Za-z0-9_]*|\s)+)")]
    private static partial Regex ParsePattern();

    [GeneratedRegex(@"""([^""]*)""|([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex PatternToken();

    [GeneratedRegex(@"\bName == '([^']+)'")]
    private static partial Regex MetricEquals();

    [GeneratedRegex(@"\bName in \(([^)]*)\)")]
    private static partial Regex MetricIn();

    [GeneratedRegex(@"variables\('([A-Za-z0-9_]+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\[LoggerMessage\([^\]]*?Message\s*=\s*""((?:[^""\\]|\\.)*)""", RegexOptions.Singleline)]
    private static partial Regex LoggerMessageTemplate();

    [GeneratedRegex(@"\.Create(?:Counter|Histogram|Gauge|UpDownCounter|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<\w+>)?\(\s*""([^""]+)""")]
    private static partial Regex InstrumentCreation();
}
