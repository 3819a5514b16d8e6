using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Infra.Tests.Bicep;
using Serverless.MediaNode;
using Serverless.MediaNode.Hosting;
using Serverless.Shared.Transport;

namespace Serverless.Infra.Tests.Kubernetes;

/// <summary>
/// infra/k8s (mediaHosting: aks): the template rendered by infra/k8s/render.sh with a deployment's values is valid
/// against the Kubernetes and KEDA schemas (npm kubernetes-models, @kubernetes-models/keda, run offline by
/// validate-manifests.mjs), and it says what the product needs: host networking on the media pool, one node per VM,
/// a drain that fits the grace period, KEDA on the new-calls queue and on active calls, workload identity, and node
/// settings that pass the node's own validators.
/// </summary>
public sealed partial class MediaNodeManifestTests
{
    private static readonly string Validator = RepoPaths.Of("tests", "Infra.Tests", "Kubernetes", "validate-manifests.mjs");

    /// <summary>What `azd env get-values` holds after provisioning with mediaHosting aks (sample values).</summary>
    internal static Dictionary<string, string?> SampleEnvironment() => new(StringComparer.Ordinal)
    {
        ["MEDIANODE_IMAGE"] = "crsample.azurecr.io/medianode:abc123",
        ["AKS_MEDIANODE_CLIENT_ID"] = "11111111-1111-1111-1111-111111111111",
        ["AKS_KEDA_CLIENT_ID"] = "22222222-2222-2222-2222-222222222222",
        ["AZURE_TENANT_ID"] = "33333333-3333-3333-3333-333333333333",
        ["AZURE_KEY_VAULT_NAME"] = "kv-sample",
        ["SERVICEBUS_NAMESPACE"] = "sb-sample.servicebus.windows.net",
        ["SERVICEBUS_NEW_CALLS_QUEUE"] = "commands-new",
        ["SERVICEBUS_NODE_QUEUE_PREFIX"] = "commands-",
        ["MEDIA_STORAGE_BLOB_ENDPOINT"] = "https://stmediasample.blob.core.windows.net/",
        ["MEDIA_STORAGE_TABLE_ENDPOINT"] = "https://stmediasample.table.core.windows.net/",
        ["PROMPTS_CONTAINER_URL"] = "https://stmediasample.blob.core.windows.net/prompts",
        ["MEDIANODE_EVENTS_URL"] = MediaNodeSettings.SampleEventsUrl,
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000002",
        ["LOG_ANALYTICS_WORKSPACE_ID"] = "44444444-4444-4444-4444-444444444444",
        ["MEDIANODE_MAX_CALLS"] = "200",
        ["MEDIANODE_UDP_PORT"] = "3478",
        ["MEDIANODE_HEALTH_PORT"] = "8080",
        ["AKS_MIN_MEDIANODES"] = "2",
        ["AKS_MAX_MEDIANODES"] = "4",
    };

    [Fact]
    public void Rendered_IsValidAgainstTheKubernetesAndKedaSchemas()
    {
        var (exit, result) = Validate(Render(SampleEnvironment()));
        Assert.True(exit == 0 && (bool?)result["valid"] == true, result["errors"]!.ToJsonString());
        var kinds = result["documents"]!.AsArray().Select(d => $"{d!["apiVersion"]}/{d["kind"]}").ToList();
        foreach (var expected in new[] { "apps/v1/StatefulSet", "keda.sh/v1alpha1/ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication", "policy/v1/PodDisruptionBudget", "v1/ServiceAccount", "v1/ConfigMap" })
        {
            Assert.Contains(expected, kinds);
        }

        // Only the CSI driver's class (no published model) is shape-checked instead of schema-validated.
        Assert.Equal(["medianode-keys"], result["shapeCheckedOnly"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void TheValidator_RefusesBrokenManifests()
    {
        // Control: the same render with a wrongly typed field and a KEDA trigger without its type must fail, or the
        // test above proves nothing.
        var rendered = File.ReadAllText(Render(SampleEnvironment()));
        var broken = rendered
            .Replace("hostNetwork: true", "hostNetwork: \"yes\"", StringComparison.Ordinal)
            .Replace("    - type: azure-log-analytics", "    - kind: azure-log-analytics", StringComparison.Ordinal);
        Assert.NotEqual(rendered, broken);
        var path = Path.Combine(Path.GetTempPath(), $"broken-medianode-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, broken);
        try
        {
            var (exit, result) = Validate(path);
            Assert.NotEqual(0, exit);
            Assert.False((bool?)result["valid"]);
            var errors = result["errors"]!.ToJsonString();
            Assert.Contains("hostNetwork", errors, StringComparison.Ordinal);
            Assert.Contains("ScaledObject", errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Render_WithAValueMissing_RefusesAndNamesIt()
    {
        var environment = SampleEnvironment();
        environment["LOG_ANALYTICS_WORKSPACE_ID"] = null;
        var (exit, stdout, stderr) = RunRender(environment);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("LOG_ANALYTICS_WORKSPACE_ID", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TakesEveryDeploymentValueFromAnOutputOfMainBicep()
    {
        // render.sh reads `azd env get-values`: every name it requires must be a Bicep output (azd stores outputs
        // under their names), except the image, which the postprovision hook sets.
        var script = File.ReadAllText(RepoPaths.Of("infra", "k8s", "render.sh"));
        var required = RequiredList().Match(script).Groups[1].Value.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("LOG_ANALYTICS_WORKSPACE_ID", required);
        Assert.Equal(SampleEnvironment().Keys.Order(StringComparer.Ordinal), required.Order(StringComparer.Ordinal));
        var outputs = ArmTemplate.Main.Root["outputs"]!.AsObject();
        var missing = required.Where(r => r != "MEDIANODE_IMAGE" && !outputs.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, "render.sh needs, main.bicep does not output: " + string.Join(", ", missing));
    }

    [Fact]
    public void Pods_RunOneNodePerMediaVm_OnHostNetworking()
    {
        var pod = StatefulSet()["spec"]!["template"]!["spec"]!;
        Assert.True((bool)pod["hostNetwork"]!);
        Assert.Equal("ClusterFirstWithHostNet", (string?)pod["dnsPolicy"]);

        // Required anti-affinity on the VM's hostname, and the media port as host port: two nodes never share a VM.
        var antiAffinity = pod["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!.AsArray().Single()!;
        Assert.Equal("kubernetes.io/hostname", (string?)antiAffinity["topologyKey"]);
        Assert.Equal("medianode", (string?)antiAffinity["labelSelector"]!["matchLabels"]!["app"]);
        Assert.Equal("medianode", (string?)StatefulSet()["spec"]!["template"]!["metadata"]!["labels"]!["app"]);
        var media = Container()["ports"]!.AsArray().Single(p => (string?)p!["protocol"] == "UDP")!;
        Assert.Equal(3478, (int)media["hostPort"]!);
        Assert.Equal(3478, (int)media["containerPort"]!);

        // Scheduled on the pool whose VMs have public IPs (aks.bicep), which only these pods tolerate.
        var pool = AksPools().Single(p => (string?)p["name"] == "media");
        Assert.True((bool)pool["enableNodePublicIP"]!);
        var label = pool["nodeLabels"]!.AsObject().Single();
        Assert.Equal((string?)label.Value, (string?)pod["nodeSelector"]![label.Key]);
        var taint = ((string)pool["nodeTaints"]![0]!).Split('=', ':');
        Assert.Contains(pod["tolerations"]!.AsArray(), t => (string?)t!["key"] == taint[0] && (string?)t["value"] == taint[1] && (string?)t["effect"] == taint[2]);
        // The pool's security group opens the media port and nothing else.
        var opened = pool["networkProfile"]!["allowedHostPorts"]!.AsArray().Single()!;
        Assert.Equal(("[parameters('udpPort')]", "[parameters('udpPort')]", "UDP"), ((string?)opened["portStart"], (string?)opened["portEnd"], (string?)opened["protocol"]));
    }

    [Fact]
    public void Drain_PreStopSignalsTheNode_AndTheGracePeriodCoversItsWholeShutdown()
    {
        var pod = StatefulSet()["spec"]!["template"]!["spec"]!;
        var preStop = string.Join(' ', Container()["lifecycle"]!["preStop"]!["exec"]!["command"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("kill -TERM 1", preStop, StringComparison.Ordinal);
        Assert.Contains("while kill -0 1", preStop, StringComparison.Ordinal);

        // The node's own shutdown budget, computed by the node's real registration from the manifest's settings.
        var configuration = NodeConfiguration();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMediaNode(configuration);
        using var provider = services.BuildServiceProvider();
        var drain = provider.GetRequiredService<IOptions<MediaNodeOptions>>().Value.DrainTimeout;
        Assert.Equal(TimeSpan.FromSeconds(900), drain);
        var shutdown = provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(shutdown > drain);
        Assert.Equal((int)Math.Ceiling(shutdown.TotalSeconds) + 5, (int)pod["terminationGracePeriodSeconds"]!);

        // A different drain deadline moves the grace period with it.
        var environment = SampleEnvironment();
        environment["MEDIANODE_DRAIN_SECONDS"] = "60";
        var shorter = Objects(Render(environment)).Single(o => (string?)o["kind"] == "StatefulSet");
        Assert.Equal(60 + 10 + 15 + 5, (int)shorter["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!);

        // Voluntary disruptions take one node at a time.
        Assert.Equal(1, (int)Object("PodDisruptionBudget")["spec"]!["maxUnavailable"]!);
    }

    [Fact]
    public void Keda_ScalesOnTheNewCallsQueueAndOnActiveCalls_WithItsWorkloadIdentity()
    {
        var scaled = Object("ScaledObject");
        Assert.Equal("StatefulSet", (string?)scaled["spec"]!["scaleTargetRef"]!["kind"]);
        Assert.Equal(2, (int)scaled["spec"]!["minReplicaCount"]!);
        Assert.Equal(4, (int)scaled["spec"]!["maxReplicaCount"]!);
        var triggers = scaled["spec"]!["triggers"]!.AsArray().Select(t => t!).ToList();

        var queue = triggers.Single(t => (string?)t["type"] == "azure-servicebus");
        Assert.Equal(ArmTemplate.Main.Variables["newCallsQueue"]!.GetValue<string>(), (string?)queue["metadata"]!["queueName"]);
        Assert.Equal("sb-sample", (string?)queue["metadata"]!["namespace"]);

        var active = triggers.Single(t => (string?)t["type"] == "azure-log-analytics");
        var query = (string)active["metadata"]!["query"]!;
        // The gauge the query sums is one the node really exports (MediaNodeMetrics).
        var metric = MetricName().Match(query).Groups[1].Value;
        Assert.Equal("medianode.calls.active", metric);
        Assert.Contains($"\"{metric}\"", File.ReadAllText(RepoPaths.Of("src", "MediaNode", "Telemetry", "MediaNodeMetrics.cs")), StringComparison.Ordinal);
        // Target: 70 % of MaxCalls per node (headroom while a new VM starts).
        Assert.Equal("140", (string?)active["metadata"]!["threshold"]);

        foreach (var trigger in triggers)
        {
            Assert.Equal("medianode-keda", (string?)trigger["authenticationRef"]!["name"]);
        }

        var auth = Object("TriggerAuthentication");
        Assert.Equal("azure-workload", (string?)auth["spec"]!["podIdentity"]!["provider"]);
        Assert.Equal("22222222-2222-2222-2222-222222222222", (string?)auth["spec"]!["podIdentity"]!["identityId"]);
    }

    [Fact]
    public void WorkloadIdentity_TheServiceAccountIsTheOneBicepFederates()
    {
        var account = Object("ServiceAccount");
        Assert.Equal("11111111-1111-1111-1111-111111111111", (string?)account["metadata"]!["annotations"]!["azure.workload.identity/client-id"]);
        Assert.Equal("true", (string?)StatefulSet()["spec"]!["template"]!["metadata"]!["labels"]!["azure.workload.identity/use"]);
        Assert.Equal((string?)account["metadata"]!["name"], (string?)StatefulSet()["spec"]!["template"]!["spec"]!["serviceAccountName"]);

        var aks = ArmTemplate.Main.Module("aks");
        var subjects = aks.ResourcesOfType("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials")
            .Select(c => (string)c["properties"]!["subject"]!).ToList();
        Assert.Equal(2, subjects.Count);
        var deployment = ArmTemplate.Main.ModuleDeployment("aks")["properties"]!["parameters"]!;
        Assert.Equal($"[variables('k8sNamespace')]", (string?)deployment["podNamespace"]!["value"]);
        Assert.Equal((string?)account["metadata"]!["namespace"], ArmTemplate.Main.Variables["k8sNamespace"]!.GetValue<string>());
        Assert.Equal((string?)account["metadata"]!["name"], ArmTemplate.Main.Variables["k8sServiceAccount"]!.GetValue<string>());
        Assert.Contains(subjects, s => s.Contains("system:serviceaccount:{0}:{1}", StringComparison.Ordinal));
        Assert.Contains(subjects, s => s.Contains("system:serviceaccount:kube-system:keda-operator", StringComparison.Ordinal));

        var cluster = aks.ResourcesOfType("Microsoft.ContainerService/managedClusters").Single()["properties"]!;
        Assert.True((bool)cluster["oidcIssuerProfile"]!["enabled"]!);
        Assert.True((bool)cluster["securityProfile"]!["workloadIdentity"]!["enabled"]!);
        Assert.True((bool)cluster["workloadAutoScalerProfile"]!["keda"]!["enabled"]!);
        Assert.True((bool)cluster["disableLocalAccounts"]!);
    }

    [Fact]
    public void NodeSettings_FromTheManifestPassTheNodesOwnValidators()
    {
        var configuration = NodeConfiguration();
        var options = new MediaNodeOptions();
        configuration.GetSection(MediaNodeOptions.SectionName).Bind(options);
        var result = new MediaNodeOptionsValidator().Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(200, options.MaxCalls);
        Assert.Equal("medianode-3", options.NodeId);

        var transport = new MediaTransportOptions();
        configuration.GetSection(MediaNodeOptions.SectionName).GetSection(MediaTransportOptions.SectionName).Bind(transport);
        transport.NodeId ??= options.NodeId;
        var transportResult = new MediaTransportOptionsValidator().Validate(null, transport);
        Assert.True(transportResult.Succeeded, transportResult.FailureMessage);
        Assert.Equal(TransportKind.ServiceBus, transport.Kind);
        // The pod's queue exists ahead: Bicep declares commands-medianode-{i} for every ordinal below the maximum.
        Assert.Equal("commands-medianode-3", transport.QueueNames().ForNode("medianode-3"));
        Assert.Contains("'medianode-{0}'", ArmTemplate.Main.Variables["nodeIds"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void StartScript_IsValidBash_AndReadsTheKeyOfItsOwnPod()
    {
        var script = (string)Object("ConfigMap")["data"]!["start.sh"]!;
        Assert.Contains("/mnt/node-keys/${POD_NAME}", script, StringComparison.Ordinal);
        Assert.Contains("exec dotnet /app/Serverless.MediaNode.dll", script, StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"medianode-start-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, script);
        try
        {
            var (exit, _, stderr) = Run("bash", ["-n", path], new Dictionary<string, string?>());
            Assert.True(exit == 0, stderr);
        }
        finally
        {
            File.Delete(path);
        }

        // The key files are aliased by pod name, one per ordinal.
        var objects = (string)Object("SecretProviderClass")["spec"]!["parameters"]!["objects"]!;
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains($"objectName: media-node-key-medianode-{i}", objects, StringComparison.Ordinal);
            Assert.Contains($"objectAlias: medianode-{i}", objects, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("medianode-4", objects, StringComparison.Ordinal);
    }

    /// <summary>The container's environment as the node sees it, with what start.sh exports for pod medianode-3.</summary>
    private static IConfiguration NodeConfiguration()
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["MediaNode:NodeId"] = "medianode-3",
            ["MediaNode:EventsSecret"] = "sample-events-secret-0123456789",
            ["MediaNode:PublicAddress"] = "203.0.113.7",
        };
        foreach (var variable in Container()["env"]!.AsArray())
        {
            var name = (string)variable!["name"]!;
            var value = name == "MediaNode__HttpBindAddress" ? "10.224.0.5" : (string?)variable["value"];
            if (value is not null && name.Contains("__", StringComparison.Ordinal))
            {
                values[name.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static readonly Lazy<List<JsonObject>> Rendered = new(() => Objects(Render(SampleEnvironment())));

    private static JsonObject Object(string kind) => Rendered.Value.Single(o => (string?)o["kind"] == kind);

    private static JsonObject StatefulSet() => Object("StatefulSet");

    private static JsonNode Container() => StatefulSet()["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;

    private static IEnumerable<JsonNode> AksPools() =>
        ArmTemplate.Main.Module("aks").ResourcesOfType("Microsoft.ContainerService/managedClusters").Single()["properties"]!["agentPoolProfiles"]!.AsArray().Select(p => p!);

    private static List<JsonObject> Objects(string file)
    {
        var (exit, result) = Validate(file);
        Assert.True(exit == 0, result["errors"]!.ToJsonString());
        return [.. result["objects"]!.AsArray().Select(o => o!.AsObject())];
    }

    /// <summary>Renders with infra/k8s/render.sh into a temporary file; returns its path.</summary>
    internal static string Render(Dictionary<string, string?> environment)
    {
        var (exit, stdout, stderr) = RunRender(environment);
        Assert.True(exit == 0, "render.sh failed: " + stderr);
        var path = Path.Combine(Path.GetTempPath(), $"medianode-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, stdout);
        return path;
    }

    private static (int ExitCode, string StandardOutput, string StandardError) RunRender(Dictionary<string, string?> environment)
    {
        // Only what the test passes: nothing from the developer's own azd environment leaks into the render.
        var isolated = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
        foreach (var name in new[] { "MEDIANODE_DRAIN_SECONDS", "MEDIANODE_CPU", "MEDIANODE_MEMORY", "MEDIANODE_STUN_SERVER", "TARGET_ACTIVE_CALLS_PER_NODE", "TARGET_QUEUE_PER_NODE", "MEDIANODE_TEMPLATE" })
        {
            isolated.TryAdd(name, null);
        }

        return Run("bash", [RepoPaths.Of("infra", "k8s", "render.sh")], isolated);
    }

    private static (int ExitCode, JsonNode Result) Validate(string file)
    {
        Assert.True(File.Exists(RepoPaths.Of("node_modules", "kubernetes-models", "package.json")), "kubernetes-models is not installed: run scripts/test.sh (it runs npm ci) or npm ci");
        var (exit, stdout, stderr) = Run("node", [Validator, file], new Dictionary<string, string?>());
        var output = stdout.Trim();
        Assert.True(output.Length > 0, "validator printed nothing; stderr: " + stderr);
        return (exit, JsonNode.Parse(output.Split('\n')[^1])!);
    }

    private static (int ExitCode, string StandardOutput, string StandardError) Run(string program, string[] arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} ran longer than a minute");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"required=\(\s*([^)]*)\)")]
    private static partial Regex RequiredList();

    [GeneratedRegex(@"Name == '([a-z0-9_.]+)'")]
    private static partial Regex MetricName();
}
