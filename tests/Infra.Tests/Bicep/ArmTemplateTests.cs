using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Serverless.MediaNode;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.Shared.Transport;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>The compiled ARM JSON against what the code reads: settings provided, roles granted, secrets kept secret.</summary>
public sealed class ArmTemplateTests
{
    private static readonly ArmTemplate Functions = ArmTemplate.Main.Module("functions");

    private static Dictionary<string, string> FunctionAppSettings()
    {
        var settings = Functions.Variables["baseSettings"]!.AsObject();
        return settings.ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
    }

    /// <summary>Keys the phone-number loop generates (Meta__PhoneNumberIds__{i} for every configured id).</summary>
    private static bool GeneratesIndexedKey(string setting) =>
        setting.EndsWith("__0", StringComparison.Ordinal)
        && ((string?)Functions.Variables["phoneNumberSettings"] ?? string.Empty)
            .Contains($"'{setting[..^1]}{{0}}'", StringComparison.Ordinal);

    /// <summary>Keys the inbound-plan loop generates (CallingSettings__Numbers__{id}__InboundPlan for every number with a plan).</summary>
    private static bool GeneratesInboundPlanKey(string setting) =>
        setting.StartsWith("CallingSettings__Numbers__", StringComparison.Ordinal)
        && setting.EndsWith("__InboundPlan", StringComparison.Ordinal)
        && ((string?)Functions.Variables["inboundPlanSettings"] ?? string.Empty)
            .Contains("'CallingSettings__Numbers__{0}__InboundPlan'", StringComparison.Ordinal);

    // MediaEvents__NodeKeys__{nodeId}: one Key Vault reference per node, generated from the node list.
    private static bool GeneratesNodeKey(string setting) =>
        setting.StartsWith("MediaEvents__NodeKeys__", StringComparison.Ordinal)
        && ((string?)Functions.Variables["nodeKeySettings"] ?? string.Empty).Contains("'MediaEvents__NodeKeys__{0}'", StringComparison.Ordinal);

    private static bool IsProvided(Dictionary<string, string> settings, string setting) =>
        settings.ContainsKey(setting)
        || GeneratesIndexedKey(setting)
        || GeneratesInboundPlanKey(setting)
        || GeneratesNodeKey(setting)
        || (AppSettingRequirements.IdentityReplacements.TryGetValue(setting, out var replacement) && settings.ContainsKey(replacement));

    [Fact]
    public void FunctionApp_ProvidesEverySettingTheOptionsClassesRequire()
    {
        var sections = AppSettingRequirements.OptionsSections();
        // The discovery must see the sections the app binds, or this test would pass on nothing.
        foreach (var expected in new[] { "Meta", "MediaEvents", "Calls", "WhatsAppGraph", "Transport", "CallStore", "Permissions", "Callbacks", "CallingSettings", "Storage", "Dials" })
        {
            Assert.Contains(sections, s => s.Section == expected);
        }

        var required = sections.SelectMany(s => AppSettingRequirements.RequiredFromOptions(s.Options, s.Section)).ToList();
        Assert.Contains("Meta__AppSecret", required);
        Assert.Contains("Meta__PhoneNumberIds__0", required);

        var settings = FunctionAppSettings();
        var missing = required.Where(r => !IsProvided(settings, r)).ToList();
        Assert.True(missing.Count == 0, "Not provided by infra/bicep: " + string.Join(", ", missing));
    }

    [Fact]
    public void FunctionApp_ProvidesEverySettingOfTheLocalExample()
    {
        var settings = FunctionAppSettings();
        var missing = AppSettingRequirements.ExampleFileKeys()
            .Where(k => k != AppSettingRequirements.WorkerRuntimeSetting && !IsProvided(settings, k))
            .ToList();
        Assert.True(missing.Count == 0, "In local.settings.example.json but not in infra/bicep: " + string.Join(", ", missing));
    }

    [Fact]
    public void FunctionApp_IsFlexConsumptionDotnetIsolated10()
    {
        var plan = Functions.ResourcesOfType("Microsoft.Web/serverfarms").Single();
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        var site = Functions.ResourcesOfType("Microsoft.Web/sites").Single();
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        // Flex Consumption rejects the worker runtime as an app setting.
        Assert.DoesNotContain(AppSettingRequirements.WorkerRuntimeSetting, FunctionAppSettings().Keys);
        Assert.Equal("UserAssignedIdentity", (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
    }

    [Fact]
    public void FunctionApp_UsesIdentityForStorageAndServiceBus()
    {
        var settings = FunctionAppSettings();
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(nameof(TransportKind.ServiceBus), settings["Transport__Kind"]);
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("ConnectionString", StringComparison.Ordinal) && k != "APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.False((bool)ArmTemplate.Main.Module("storage").ResourcesOfType("Microsoft.Storage/storageAccounts").Single()["properties"]!["allowSharedKeyAccess"]!);
        Assert.True((bool)ArmTemplate.Main.Module("serviceBus").ResourcesOfType("Microsoft.ServiceBus/namespaces").Single()["properties"]!["disableLocalAuth"]!);
        Assert.True((bool)ArmTemplate.Main.Module("monitoring").ResourcesOfType("Microsoft.Insights/components").Single()["properties"]!["DisableLocalAuth"]!);
    }

    [Fact]
    public void ServiceBus_DeclaresTheQueuesTheTransportRoutesTo()
    {
        var defaults = new MediaTransportOptions();
        Assert.Equal(defaults.NewCallsQueue, (string?)ArmTemplate.Main.Variables["newCallsQueue"]);
        Assert.Equal(defaults.NodeQueuePrefix, (string?)ArmTemplate.Main.Variables["nodeQueuePrefix"]);
        var queues = ArmTemplate.Main.Module("serviceBus").ResourcesOfType("Microsoft.ServiceBus/namespaces/queues").ToList();
        Assert.Equal(2, queues.Count);
        Assert.Contains(queues, q => q["copy"] is not null && ((string)q["name"]!).Contains("parameters('nodeQueuePrefix')", StringComparison.Ordinal));
    }

    [Fact]
    public void ServiceBus_CommandQueuesDetectDuplicates()
    {
        // Command message ids are deterministic, so Service Bus can drop a command sent twice.
        var serviceBus = ArmTemplate.Main.Module("serviceBus");
        var properties = serviceBus.Variables["queueProperties"]!;
        if (properties is System.Text.Json.Nodes.JsonValue reference)
        {
            // loadJsonContent('servicebus-queue.json') compiles to a variable of its own that this one names.
            var name = System.Text.RegularExpressions.Regex.Match((string)reference!, @"^\[variables\('([^']+)'\)\]$").Groups[1].Value;
            properties = serviceBus.Variables[name]!;
        }

        Assert.True((bool)properties["requiresDuplicateDetection"]!);
        Assert.InRange(System.Xml.XmlConvert.ToTimeSpan((string)properties["duplicateDetectionHistoryTimeWindow"]!), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        var queues = serviceBus.ResourcesOfType("Microsoft.ServiceBus/namespaces/queues").ToList();
        Assert.NotEmpty(queues);
        Assert.All(queues, q => Assert.Equal("[variables('queueProperties')]", (string?)q["properties"]));
    }

    [Fact]
    public void KeyVault_HasPurgeProtectionAndRetentionAsParameters()
    {
        var main = ArmTemplate.Main;
        Assert.True((bool)main.Parameters["keyVaultPurgeProtection"]!["defaultValue"]!);
        var retention = main.Parameters["keyVaultSoftDeleteRetentionDays"]!;
        Assert.Equal((90, 7, 90), ((int)retention["defaultValue"]!, (int)retention["minValue"]!, (int)retention["maxValue"]!));
        var passed = main.ModuleDeployment("keyVault")["properties"]!["parameters"]!;
        Assert.Equal("[parameters('keyVaultPurgeProtection')]", (string?)passed["enablePurgeProtection"]!["value"]);
        Assert.Equal("[parameters('keyVaultSoftDeleteRetentionDays')]", (string?)passed["softDeleteRetentionInDays"]!["value"]);

        var vault = main.Module("keyVault").ResourcesOfType("Microsoft.KeyVault/vaults").Single()["properties"]!;
        Assert.True((bool)vault["enableSoftDelete"]!);
        Assert.Equal("[parameters('softDeleteRetentionInDays')]", (string?)vault["softDeleteRetentionInDays"]);
        Assert.Equal("[if(parameters('enablePurgeProtection'), true(), null())]", (string?)vault["enablePurgeProtection"]);
    }

    [Fact]
    public void DockerBuildContext_LeavesHostBuildOutputAndNodePackagesOut()
    {
        var ignored = File.ReadAllLines(RepoPaths.Of(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "**/node_modules/" })
        {
            Assert.Contains(pattern, ignored);
        }

        // Nothing the Dockerfile copies is excluded.
        Assert.DoesNotContain(ignored, p => p.StartsWith("src", StringComparison.Ordinal) || p.StartsWith("Directory.", StringComparison.Ordinal));
    }

    [Fact]
    public void Identities_HaveTheRolesTheirClientsNeed()
    {
        var assignments = ArmTemplate.Main.Module("rbac").RoleAssignments().ToList();
        var functions = "[parameters('functionsPrincipalId')]";
        // Per queue the node's entry (own queue); per distinct principal everything else (AKS: one fleet identity).
        var media = "[parameters('mediaNodes')[copyIndex()].principalId]";
        var mediaPrincipal = "[parameters('mediaPrincipalIds')[copyIndex()]]";

        // Functions: host storage by identity (blobs incl. deployment package, queues), the call/permission/callback
        // tables, sending commands, Key Vault references, App Insights with Entra auth.
        Assert.Contains((functions, RoleIds.StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"), assignments);
        Assert.Contains((functions, RoleIds.StorageQueueDataContributor, "Microsoft.Storage/storageAccounts"), assignments);
        Assert.Contains((functions, RoleIds.StorageTableDataContributor, "Microsoft.Storage/storageAccounts"), assignments);
        Assert.Contains((functions, RoleIds.ServiceBusDataSender, "Microsoft.ServiceBus/namespaces"), assignments);
        Assert.Contains((functions, RoleIds.KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"), assignments);
        Assert.Contains((functions, RoleIds.MonitoringMetricsPublisher, "Microsoft.Insights/components"), assignments);
        // Recording links and deletes (retention, erasure): user-delegation keys on the media account, data rights on
        // the recordings container only.
        Assert.Contains((functions, RoleIds.StorageBlobDelegator, "Microsoft.Storage/storageAccounts"), assignments);
        Assert.Contains((functions, RoleIds.StorageBlobDataContributor, "Microsoft.Storage/storageAccounts/blobServices/containers"), assignments);
        Assert.DoesNotContain(assignments, a => a.Principal == functions && a.RoleId == RoleIds.StorageBlobDataReader);

        // MediaNodes: receive their commands (queue scope, see MediaNodes_EachReadOnlyItsOwnQueueAndTheNewCallsQueue);
        // prompts, recordings and heartbeats on their own account by identity.
        Assert.Contains((media, RoleIds.ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/queues"), assignments);
        Assert.Contains((mediaPrincipal, RoleIds.ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/queues"), assignments);
        Assert.Contains((mediaPrincipal, RoleIds.StorageBlobDataContributor, "Microsoft.Storage/storageAccounts"), assignments);
        Assert.Contains((mediaPrincipal, RoleIds.StorageTableDataContributor, "Microsoft.Storage/storageAccounts"), assignments);
        // The nodes export telemetry to Application Insights with Entra ID (issue 18).
        Assert.Contains((mediaPrincipal, RoleIds.MonitoringMetricsPublisher, "Microsoft.Insights/components"), assignments);
        foreach (var principal in new[] { media, mediaPrincipal })
        {
            Assert.DoesNotContain(assignments, a => a.Principal == principal && a.RoleId == RoleIds.StorageBlobDataOwner);
            Assert.DoesNotContain(assignments, a => a.Principal == principal && a.RoleId == RoleIds.ServiceBusDataSender);
            Assert.DoesNotContain(assignments, a => a.Principal == principal && a.RoleId == RoleIds.KeyVaultSecretsUser);
        }

        // ACI: each node pulls its image with its own identity; AKS: the kubelet identity.
        var registry = ArmTemplate.Main.ModuleDeployment("registry");
        var pullers = registry["properties"]!["parameters"]!["pullPrincipalIds"]!.ToJsonString();
        Assert.Contains("mediaNodes", pullers, StringComparison.Ordinal);
        Assert.Contains("kubeletPrincipalId", pullers, StringComparison.Ordinal);
        Assert.Contains(ArmTemplate.Main.Module("registry").RoleAssignments(), a => a.RoleId == RoleIds.AcrPull);

        // The identities passed in are the user-assigned identities.
        var rbacParameters = ArmTemplate.Main.ModuleDeployment("rbac")["properties"]!["parameters"]!;
        Assert.Contains("functionsPrincipalId", (string)rbacParameters["functionsPrincipalId"]!["value"]!, StringComparison.Ordinal);
        Assert.Contains("mediaNodes", rbacParameters["mediaNodes"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MediaNodes_EachHaveTheirOwnIdentity()
    {
        var identities = ArmTemplate.Main.Module("identities").ResourcesOfType("Microsoft.ManagedIdentity/userAssignedIdentities").ToList();
        var perNode = Assert.Single(identities, i => i["copy"] is not null);
        Assert.Equal("[length(parameters('nodeIds'))]", (string?)perNode["copy"]!["count"]);
        Assert.Contains("parameters('nodeIds')[copyIndex()]", (string)perNode["name"]!, StringComparison.Ordinal);
        // ACI: one identity per node; AKS: none here (the fleet's workload identity is in aks.bicep).
        Assert.Equal(
            "[if(variables('aks'), createObject('value', createArray()), createObject('value', variables('nodeIds')))]",
            (string?)ArmTemplate.Main.ModuleDeployment("identities")["properties"]!["parameters"]!["nodeIds"]);

        // Node i runs as identity i.
        var node = ArmTemplate.Main.ModuleDeployment("mediaNode");
        var parameters = node["properties"]!["parameters"]!;
        Assert.Contains("outputs.mediaNodes.value[copyIndex()].id", (string)parameters["identityId"]!["value"]!, StringComparison.Ordinal);
        Assert.Contains("outputs.mediaNodes.value[copyIndex()].clientId", (string)parameters["identityClientId"]!["value"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void MediaNodes_EachReadOnlyItsOwnQueueAndTheNewCallsQueue()
    {
        var rbac = ArmTemplate.Main.Module("rbac");
        var serviceBusAssignments = rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Where(a => ((string)a["properties"]!["roleDefinitionId"]!).Contains(RoleIds.ServiceBusDataReceiver, StringComparison.Ordinal)
                || ((string)a["properties"]!["roleDefinitionId"]!).Contains("serviceBusDataReceiver", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, serviceBusAssignments.Count);
        foreach (var assignment in serviceBusAssignments)
        {
            // Own queue: one assignment per node; the new-calls queue: one per distinct node principal. Each scoped to one queue, never the namespace.
            var perNode = (string?)assignment["copy"]!["count"] == "[length(parameters('mediaNodes'))]";
            Assert.Equal(perNode ? "[parameters('mediaNodes')[copyIndex()].principalId]" : "[parameters('mediaPrincipalIds')[copyIndex()]]", (string?)assignment["properties"]!["principalId"]);
            Assert.Equal(perNode ? "[length(parameters('mediaNodes'))]" : "[length(parameters('mediaPrincipalIds'))]", (string?)assignment["copy"]!["count"]);
            Assert.StartsWith("[resourceId('Microsoft.ServiceBus/namespaces/queues'", (string)assignment["scope"]!, StringComparison.Ordinal);
        }

        var scopes = serviceBusAssignments.Select(a => (string)a["scope"]!).ToList();
        Assert.Contains(scopes, s => s.Contains("parameters('newCallsQueue')", StringComparison.Ordinal));
        Assert.Contains(scopes, s => s.Contains("format('{0}{1}', parameters('nodeQueuePrefix'), parameters('mediaNodes')[copyIndex()].nodeId)", StringComparison.Ordinal));

        // Nothing of a node's is granted at namespace scope.
        Assert.DoesNotContain(rbac.RoleAssignments(), a => (a.Principal.Contains("mediaNodes", StringComparison.Ordinal) || a.Principal.Contains("mediaPrincipalIds", StringComparison.Ordinal)) && a.ScopeType == "Microsoft.ServiceBus/namespaces");
        var passed = ArmTemplate.Main.ModuleDeployment("rbac")["properties"]!["parameters"]!;
        Assert.Equal("[variables('newCallsQueue')]", (string?)passed["newCallsQueue"]!["value"]);
        Assert.Equal("[variables('nodeQueuePrefix')]", (string?)passed["nodeQueuePrefix"]!["value"]);
    }

    [Fact]
    public void NoSecretAppearsAsPlainValue_SecretParametersAreSecureWithoutDefault()
    {
        var secretParameters = ArmTemplate.Main.Parameters.Where(p => AppSettingRequirements.IsSecretName(char.ToUpperInvariant(p.Key[0]) + p.Key[1..])).ToList();
        Assert.Equal(5, secretParameters.Count);
        foreach (var (name, definition) in secretParameters)
        {
            Assert.True((string?)definition!["type"] == "securestring", $"{name} is not @secure()");
            Assert.Null(definition["defaultValue"]);
        }

        // The parameters file reads every secret from the (azd) environment, with no default to fall back on.
        var parametersFile = File.ReadAllText(RepoPaths.Of("infra", "bicep", "main.bicepparam"));
        foreach (var (name, _) in secretParameters)
        {
            Assert.Matches($@"(?m)^param {name} = readEnvironmentVariable\('[A-Z_]+'\)\s*$", parametersFile);
        }
    }

    [Fact]
    public void NoSecretAppearsAsPlainValue_FunctionSecretsAreKeyVaultReferences()
    {
        Assert.StartsWith("@Microsoft.KeyVault(SecretUri=", (string?)Functions.Variables["keyVaultReference"], StringComparison.Ordinal);
        var secrets = FunctionAppSettings().Where(s => AppSettingRequirements.IsSecretName(s.Key) && s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING").ToList();
        // Meta's three, Graph's token, the callback secret; the nodes' keys are generated per node (nodeKeySettings).
        Assert.True(secrets.Count >= 4);
        Assert.Contains("format(variables('keyVaultReference')", (string?)Functions.Variables["nodeKeySettings"], StringComparison.Ordinal);
        foreach (var (name, value) in secrets)
        {
            Assert.True(value.StartsWith("[format(variables('keyVaultReference'), parameters('", StringComparison.Ordinal),
                $"{name} must be a Key Vault reference, is {value}");
        }

        var site = Functions.ResourcesOfType("Microsoft.Web/sites").Single();
        Assert.Equal("[parameters('identityId')]", (string?)site["properties"]!["keyVaultReferenceIdentity"]);
        foreach (var secret in ArmTemplate.Main.Module("keyVault").ResourcesOfType("Microsoft.KeyVault/vaults/secrets"))
        {
            // A secure parameter's value, or an entry of a secure object parameter (the stream keys).
            Assert.Matches(@"^\[(parameters\('|items\(parameters\('streamKeys'\)\)\[copyIndex\(\)\]\.value\]$)", (string?)secret["properties"]!["value"]);
        }
    }

    [Fact]
    public void NoSecretAppearsAsPlainValue_MediaNodeSecretsAreSecureEnvironmentValues()
    {
        var node = ArmTemplate.Main.Module("mediaNode");
        var environment = node.Variables["baseEnvironment"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var secrets = environment.Where(e => AppSettingRequirements.IsSecretName((string)e["name"]!)).ToList();
        var secret = Assert.Single(secrets);
        Assert.Null(secret["value"]);
        Assert.NotNull(secret["secureValue"]);
        Assert.Equal("securestring", (string?)node.Parameters["eventsSecret"]!["type"]);

        // Each node gets its own key, not the provisioning seed, and the Functions a Key Vault reference per node.
        var deployment = ArmTemplate.Main.ModuleDeployment("mediaNode");
        var eventsSecret = (string)deployment["properties"]!["parameters"]!["eventsSecret"]!["value"]!;
        Assert.Contains("variables('mediaNodeKeys')", eventsSecret, StringComparison.Ordinal);
        Assert.DoesNotContain("parameters('mediaEventsSecret')", eventsSecret, StringComparison.Ordinal);
        var keyVault = ArmTemplate.Main.Module("keyVault");
        var nodeKeySecret = Assert.Single(keyVault.ResourcesOfType("Microsoft.KeyVault/vaults/secrets"), r => r["copy"] is not null && ((string)r["name"]!).Contains("media-node-key-", StringComparison.Ordinal));
        Assert.Contains("media-node-key-", (string)nodeKeySecret["name"]!, StringComparison.Ordinal);
        Assert.Equal("secureObject", (string?)keyVault.Parameters["mediaNodeKeys"]!["type"]);
        Assert.Contains("keyVaultReference", (string?)Functions.Variables["nodeKeySettings"], StringComparison.Ordinal);
    }

    [Fact]
    public void StreamKeysAndAzureOpenAi_GrantTheNodesOnlyWhatStreamStepsNeed()
    {
        // Key Vault: each node principal reads each stream key secret (secret scope), never the vault or another secret.
        var rbac = ArmTemplate.Main.Module("rbac").RoleAssignments().ToList();
        Assert.Contains(("[variables('streamKeyGrants')[copyIndex()].principalId]", RoleIds.KeyVaultSecretsUser, "Microsoft.KeyVault/vaults/secrets"), rbac);
        Assert.DoesNotContain(rbac, a => a.Principal.Contains("streamKeyGrants", StringComparison.Ordinal) && a.ScopeType != "Microsoft.KeyVault/vaults/secrets");
        var grants = (string)ArmTemplate.Main.Module("rbac").Variables["streamKeyGrants"]!;
        Assert.Contains("parameters('streamKeyNames')", grants, StringComparison.Ordinal);
        Assert.Contains("parameters('mediaPrincipalIds')", grants, StringComparison.Ordinal);
        var passed = ArmTemplate.Main.ModuleDeployment("rbac")["properties"]!["parameters"]!;
        Assert.Contains("outputs.streamKeyNames", passed["streamKeyNames"]!.ToJsonString(), StringComparison.Ordinal);
        var keyVault = ArmTemplate.Main.Module("keyVault");
        Assert.Equal("secureObject", (string?)keyVault.Parameters["streamKeys"]!["type"]);
        Assert.Equal("secureObject", (string?)ArmTemplate.Main.Parameters["streamKeys"]!["type"]);

        // Azure OpenAI: Cognitive Services OpenAI User on the named account, for the node principals, only when named.
        var openAi = ArmTemplate.Main.ModuleDeployment("openAiAccess");
        Assert.Equal("[not(empty(parameters('openAiAccountName')))]", (string?)openAi["condition"]);
        Assert.Contains("mediaNodes", openAi["properties"]!["parameters"]!["principalIds"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("openAiResourceGroup", (string?)openAi["resourceGroup"], StringComparison.Ordinal);
        Assert.Equal(
            [("[parameters('principalIds')[copyIndex()]]", RoleIds.CognitiveServicesOpenAiUser, "Microsoft.CognitiveServices/accounts")],
            ArmTemplate.Main.Module("openAiAccess").RoleAssignments());

        // The node reads the deployment's vault, with its identity.
        var environment = ArmTemplate.Main.Module("mediaNode").Variables["baseEnvironment"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var vaultUri = MediaNodeSettings.Bind(environment).GetSection(StreamKeysOptions.SectionName).Get<StreamKeysOptions>()!.KeyVaultUri;
        Assert.Equal("https://kv-sample.vault.azure.net/", vaultUri?.ToString());
        Assert.Contains("outputs.vaultUri", ArmTemplate.Main.ModuleDeployment("mediaNode")["properties"]!["parameters"]!["streamKeysVaultUri"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MediaNode_SettingsFromTheTemplatePassTheNodesOwnValidators()
    {
        var node = ArmTemplate.Main.Module("mediaNode");
        var environment = node.Variables["baseEnvironment"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var configuration = MediaNodeSettings.Bind(environment);

        var options = new MediaNodeOptions();
        configuration.GetSection(MediaNodeOptions.SectionName).Bind(options);
        var nodeResult = new MediaNodeOptionsValidator().Validate(null, options);
        Assert.True(nodeResult.Succeeded, nodeResult.FailureMessage);
        Assert.Equal(MediaNodeSettings.SampleEventsUrl, options.EventsUrl?.ToString());
        // Storage by the node identity: endpoints, no connection string (the account has shared keys off).
        Assert.Null(options.StorageConnectionString);
        Assert.Equal("https://stmediasample.blob.core.windows.net/", options.BlobServiceUri?.ToString());
        Assert.Equal("https://stmediasample.table.core.windows.net/", options.TableServiceUri?.ToString());
        Assert.False((bool)ArmTemplate.Main.Module("mediaStorage").ResourcesOfType("Microsoft.Storage/storageAccounts").Single()["properties"]!["allowSharedKeyAccess"]!);

        // The node's transport is its MediaNode:Transport subsection, receiving on commands-{NodeId}.
        var transport = new MediaTransportOptions();
        configuration.GetSection(MediaNodeOptions.SectionName).GetSection(MediaTransportOptions.SectionName).Bind(transport);
        transport.NodeId ??= options.NodeId;
        var transportResult = new MediaTransportOptionsValidator().Validate(null, transport);
        Assert.True(transportResult.Succeeded, transportResult.FailureMessage);
        Assert.Equal(TransportKind.ServiceBus, transport.Kind);
        Assert.Contains(environment, e => (string?)e["name"] == "AZURE_CLIENT_ID");

        var group = node.ResourcesOfType("Microsoft.ContainerInstance/containerGroups").Single();
        var ports = group["properties"]!["ipAddress"]!["ports"]!.AsArray().Select(p => ((string)p!["port"]!, (string)p["protocol"]!)).ToList();
        // Only media is public; the probes reach the health port inside the group.
        Assert.Equal([("[parameters('udpPort')]", "UDP")], ports);
        var container = group["properties"]!["containers"]!.AsArray().Single()!["properties"]!;
        Assert.Equal("[parameters('healthPort')]", (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("[parameters('healthPort')]", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("Public", (string?)group["properties"]!["ipAddress"]!["type"]);
    }

    [Fact]
    public void WorkQueues_ExistWithTheirPoisonQueues_AndTheFunctionsReachThemByIdentity()
    {
        // The queues every queue trigger reads, named as the app settings name them, each with its -poison queue.
        var storage = ArmTemplate.Main.Module("storage");
        var declared = storage.Variables["workQueues"]!.AsArray().Select(q => (string)q!).ToList();
        Assert.Equal(Serverless.Functions.Storage.WorkQueueOptions.All.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
        var queues = Assert.Single(storage.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues"));
        var loop = queues.ToJsonString();
        Assert.Contains("workQueues", loop, StringComparison.Ordinal);
        Assert.Contains("-poison", loop, StringComparison.Ordinal);

        var settings = FunctionAppSettings();
        var defaults = new Serverless.Functions.Storage.WorkQueueOptions();
        Assert.Equal(defaults.CallDeadlinesQueue, settings["WorkQueues__CallDeadlinesQueue"]);
        Assert.Equal(defaults.NodeWatchQueue, settings["WorkQueues__NodeWatchQueue"]);
        Assert.Equal(defaults.CallbacksQueue, settings["WorkQueues__CallbacksQueue"]);
        Assert.Equal(defaults.DialsQueue, settings["WorkQueues__DialsQueue"]);
        Assert.Equal(defaults.AnalyticsBackfillQueue, settings["WorkQueues__AnalyticsBackfillQueue"]);
        Assert.Equal("managedidentity", settings["WorkQueues__credential"]);
        Assert.Contains("queueEndpoint", settings["WorkQueues__queueServiceUri"], StringComparison.Ordinal);
    }

    [Fact]
    public void MediaStorage_HoldsPromptsRecordingsAndHeartbeats_WithRecordingsRetention()
    {
        var storage = ArmTemplate.Main.Module("mediaStorage");
        var containers = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(c => (string)c["name"]!).ToList();
        Assert.Contains(containers, c => c.EndsWith("'prompts')]", StringComparison.Ordinal));
        Assert.Contains(containers, c => c.EndsWith($"'{Serverless.MediaNode.Recording.RecordingBlobName.Container}')]", StringComparison.Ordinal));
        var tables = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => (string)t["name"]!).ToList();
        Assert.Contains(tables, t => t.EndsWith($"'{new MediaNodeOptions().HeartbeatTable}')]", StringComparison.Ordinal));

        var rule = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/managementPolicies").Single()["properties"]!["policy"]!["rules"]![0]!;
        Assert.Equal("[parameters('recordingsRetentionDays')]", (string?)rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]);
        Assert.Contains("recordings", (string?)rule["definition"]!["filters"]!["prefixMatch"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_GiveWebhookUrlDialApiAndMediaNodeAddress()
    {
        var outputs = ArmTemplate.Main.Root["outputs"]!.AsObject();
        Assert.Contains("'https://{0}/api/webhook'", (string?)outputs["WEBHOOK_URL"]!["value"], StringComparison.Ordinal);
        Assert.Contains("'https://{0}/api'", (string?)outputs["DIAL_API_BASE_URL"]!["value"], StringComparison.Ordinal);
        Assert.NotNull(outputs["MEDIANODE_PUBLIC_ADDRESS"]);
    }
}
