// Serverless WhatsApp Business calling: everything one deployment needs.
//   Functions app (Flex Consumption, .NET 10 isolated)  -> dial API, Meta webhook, media events
//   MediaNodes (mediaHosting: 'aci' = Azure Container Instances, public IP; 'aks' = an AKS cluster whose media VMs
//              have public IPs, the pods from infra/k8s on host networking, scaled by KEDA) -> WebRTC audio peers, one UDP port each
//   Storage (Functions: tables/queues/deployment; nodes: heartbeats, prompts, recordings), Service Bus (commands), Key Vault (secrets), App Insights + Log Analytics,
//   user-assigned identities with role assignments by role id (modules/rbac.bicep).
// Plain resources in local modules only, so `bicep build` / `bicep lint` run offline (tests/Infra.Tests).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(40)
@description('azd environment name; part of every resource name.')
param environmentName string

@description('Region of every resource.')
param location string = resourceGroup().location

@minLength(1)
@description('WhatsApp business phone number ids this deployment serves (Meta:PhoneNumberIds).')
param metaPhoneNumberIds array

@description('What answers inbound calls, per business phone number id: { "<phoneNumberId>": <audio plan> } (CallingSettings:Numbers:{id}:InboundPlan). A number without one answers with silence until hung up.')
param inboundPlans object = {}

@description('Phone number id used when a dial request names none (Meta:DefaultPhoneNumberId).')
param metaDefaultPhoneNumberId string

@description('Graph API version (WhatsAppGraph:GraphVersion).')
param graphApiVersion string = 'v23.0'

@secure()
@description('WhatsApp Cloud API access token (system user token). Stored in Key Vault only.')
param graphAccessToken string

@secure()
@description('Meta app secret, verifies X-Hub-Signature-256 of webhooks. Stored in Key Vault only.')
param metaAppSecret string

@secure()
@description('Webhook verify token you also enter in the Meta app dashboard. Stored in Key Vault only.')
param metaVerifyToken string

@secure()
@description('Provisioning seed (16+ characters) each MediaNode\'s own events key is derived from; stored nowhere, given to no node.')
param mediaEventsSecret string

@secure()
@description('HMAC secret that signs status callbacks sent to your callback URLs.')
param callbackSigningSecret string

@allowed(['aci', 'aks'])
@description('Where the MediaNodes run: aci = a fixed set of container groups (mediaNodeCount); aks = an AKS cluster scaled by KEDA between aksMinMediaNodes and aksMaxMediaNodes (deploy infra/k8s after provisioning; see infra/README.md).')
param mediaHosting string = 'aci'
@description('Entra app registration (client id) agents sign in to the console with (App Service authentication); empty: the console stays closed.')
param consoleAuthClientId string = ''

@minValue(1)
@maxValue(20)
@description('Number of MediaNodes (mediaHosting aci: one container group each). Each gets its own command queue.')
param mediaNodeCount int = 1

@minValue(1)
@maxValue(100)
@description('mediaHosting aks: fewest media VMs (and MediaNode pods) kept running. At least 1: a new VM takes minutes, a new call waits Calls:PlacementWindow (10 s).')
param aksMinMediaNodes int = 2

@minValue(1)
@maxValue(100)
@description('mediaHosting aks: most media VMs (and MediaNode pods, medianode-0..n-1; each gets its command queue and events key ahead).')
param aksMaxMediaNodes int = 10

@description('mediaHosting aks: VM size of the media pool (one MediaNode per VM; capacity math in infra/README.md).')
param aksMediaVmSize string = 'Standard_F4s_v2'

@description('mediaHosting aks: VM size of the system pool (KEDA, CoreDNS, the CSI driver).')
param aksSystemVmSize string = 'Standard_D2s_v5'

@minValue(0)
@maxValue(1000)
@description('Flex Consumption always-ready instances for the HTTP functions (the dial API and the Meta webhook): 0 scales to zero (a first webhook after idle took 1-2.7 s); 1 keeps one warm instance, billed while idle.')
param functionsAlwaysReadyHttp int = 0

@description('MediaNode image (registry/repository:tag). Empty until infra/hooks/postprovision.sh built it; then the nodes are deployed.')
param mediaNodeImage string = ''

@description('Public IPs of the MediaNodes by index, filled in by infra/hooks/postprovision.sh after the first deployment.')
param mediaNodePublicAddresses array = []

@description('The one UDP port of every call\'s media on a node.')
param mediaNodeUdpPort int = 3478

@description('TCP port of the node\'s /healthz and /readyz.')
param mediaNodeHealthPort int = 8080

@description('Most concurrent calls per node.')
param mediaNodeMaxCalls int = 200

@description('Upper bound of Functions instances (Flex Consumption).')
param functionsMaximumInstanceCount int = 100

@minValue(1)
@description('Outbound dials started per second (Meta call rate limits: 138005).')
param maxDialsPerSecond int = 1

@minValue(1)
@description('Dials that may start at once before maxDialsPerSecond applies.')
param dialBurst int = 5

@allowed([512, 2048, 4096])
param functionsInstanceMemoryMB int = 2048

@description('Days recordings are kept before the lifecycle policy deletes them.')
param recordingsRetentionDays int = 30

@description('Azure OpenAI account that stream steps reach with auth "entra" (openai-realtime dialect): the MediaNodes get Cognitive Services OpenAI User on it. Empty: none.')
param openAiAccountName string = ''

@description('Resource group of openAiAccountName; empty: this deployment\'s.')
param openAiResourceGroup string = ''

@secure()
@description('Keys that stream steps name with keyVaultSecret instead of carrying them, as { "<secret name>": "<key>" }: stored in the deployment\'s Key Vault, and the MediaNodes may read exactly these secrets (never the app\'s own). Names: letters, digits and -, none of the app\'s secret names.')
param streamKeys object = {}

@minValue(7)
@maxValue(90)
@description('Days a deleted Key Vault (or secret) stays recoverable.')
param keyVaultSoftDeleteRetentionDays int = 90

@description('Key Vault purge protection: a deleted vault or secret cannot be purged before its retention ends. Cannot be turned off once on; set false only for throw-away environments.')
param keyVaultPurgeProtection bool = true

@description('Email that gets the operator alerts (failure rate, node lost, callbacks given up, Meta errors); empty = portal only.')
param alertEmail string = ''

@minValue(1)
@maxValue(100)
@description('Alert when more than this percentage of the calls ended in 15 minutes failed.')
param alertCallFailureRatePercent int = 20

@minValue(1)
@description('Alert when Meta answers more than this many Graph calls with an error in 15 minutes.')
param alertMetaErrorsPer15Minutes int = 10

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var newCallsQueue = 'commands-new'
var nodeQueuePrefix = 'commands-'
var aks = mediaHosting == 'aks'
// ACI: a fixed set mn0..mn{n-1}. AKS: the StatefulSet's pods medianode-0..medianode-{max-1} (stable names, so each
// ordinal's command queue and events key exist before KEDA ever starts it; infra/k8s/medianode.yaml).
var nodeIds = aks ? map(range(0, aksMaxMediaNodes), i => 'medianode-${i}') : map(range(0, mediaNodeCount), i => 'mn${i}')
var k8sNamespace = 'medianode'
var k8sServiceAccount = 'medianode'
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'deployment-${resourceToken}'
var mediaStorageName = 'stmedia${resourceToken}'
// Each node signs its events with its own key, so one leaked key speaks for one node only. Bicep has no HMAC, so the
// key is derived from the seed with guid() (a name-based UUID over SHA-1, one way): 2 x 122 bits per node; a node's
// key reveals neither the seed nor another node's key. Stable across deployments while the seed is.
var mediaNodeKeys = toObject(nodeIds, id => id, id => '${guid(mediaEventsSecret, 'media-node-key', id)}${guid(id, 'media-node-key', mediaEventsSecret)}')

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
  }
}

module observability 'modules/observability.bicep' = {
  name: 'observability'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    workbookName: resourceToken
    callFailureRatePercent: alertCallFailureRatePercent
    metaErrorsPer15Minutes: alertMetaErrorsPer15Minutes
    alertEmail: alertEmail
  }
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    tags: tags
    functionsIdentityName: 'id-func-${resourceToken}'
    mediaNodeIdentityPrefix: 'id-media-${resourceToken}'
    // AKS: the pods share one workload identity (aks.bicep), so no per-node identities.
    nodeIds: aks ? [] : nodeIds
  }
}

module cluster 'modules/aks.bicep' = if (aks) {
  name: 'aks'
  params: {
    location: location
    tags: tags
    name: 'aks-${resourceToken}'
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    mediaIdentityName: 'id-media-aks-${resourceToken}'
    kedaIdentityName: 'id-keda-${resourceToken}'
    podNamespace: k8sNamespace
    podServiceAccount: k8sServiceAccount
    systemVmSize: aksSystemVmSize
    mediaVmSize: aksMediaVmSize
    minMediaVms: aksMinMediaNodes
    maxMediaVms: aksMaxMediaNodes
    udpPort: mediaNodeUdpPort
  }
}

// Per node: its id and the principal it runs as (ACI: its own identity; AKS: the fleet's workload identity).
var mediaNodePrincipals = aks
  ? map(nodeIds, id => { nodeId: id, principalId: cluster!.outputs.mediaIdentityPrincipalId })
  : map(range(0, length(nodeIds)), i => { nodeId: nodeIds[i], principalId: identities.outputs.mediaNodes[i].principalId })
// The distinct principals: one role assignment per principal, role and scope (Azure refuses duplicates).
var mediaPrincipalIds = aks ? [cluster!.outputs.mediaIdentityPrincipalId] : map(range(0, length(nodeIds)), i => identities.outputs.mediaNodes[i].principalId)

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    name: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
  }
}

module mediaStorage 'modules/mediastorage.bicep' = {
  name: 'mediaStorage'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    name: mediaStorageName
    recordingsRetentionDays: recordingsRetentionDays
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    name: 'sb-${resourceToken}'
    newCallsQueue: newCallsQueue
    nodeQueuePrefix: nodeQueuePrefix
    nodeIds: nodeIds
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    name: 'kv-${resourceToken}'
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    enablePurgeProtection: keyVaultPurgeProtection
    graphAccessToken: graphAccessToken
    metaAppSecret: metaAppSecret
    metaVerifyToken: metaVerifyToken
    mediaNodeIds: nodeIds
    mediaNodeKeys: mediaNodeKeys
    callbackSigningSecret: callbackSigningSecret
    streamKeys: streamKeys
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    name: 'cr${resourceToken}'
    // ACI pulls with each node's identity; AKS with the cluster's kubelet identity.
    pullPrincipalIds: aks ? [cluster!.outputs.kubeletPrincipalId] : mediaPrincipalIds
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: storage.outputs.name
    mediaStorageAccountName: mediaStorage.outputs.name
    serviceBusName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    functionsPrincipalId: identities.outputs.functionsPrincipalId
    mediaNodes: mediaNodePrincipals
    mediaPrincipalIds: mediaPrincipalIds
    newCallsQueue: newCallsQueue
    nodeQueuePrefix: nodeQueuePrefix
    // AKS only: the pods read their own events key through the CSI driver; KEDA reads queue length and active calls.
    nodeKeyReaderPrincipalId: aks ? cluster!.outputs.mediaIdentityPrincipalId : ''
    mediaNodeIds: nodeIds
    kedaPrincipalId: aks ? cluster!.outputs.kedaIdentityPrincipalId : ''
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    streamKeyNames: keyVault.outputs.streamKeyNames
  }
}

module openAiAccess 'modules/openai-access.bicep' = if (!empty(openAiAccountName)) {
  name: 'openAiAccess'
  scope: resourceGroup(empty(openAiResourceGroup) ? resourceGroup().name : openAiResourceGroup)
  params: {
    accountName: openAiAccountName
    principalIds: mediaPrincipalIds
  }
}

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webPubSub'
  params: {
    location: location
    tags: tags
    name: 'wps-${resourceToken}'
    functionsPrincipalId: identities.outputs.functionsPrincipalId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module functions 'modules/functionapp.bicep' = {
  name: 'functions'
  dependsOn: [rbac]
  params: {
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    identityId: identities.outputs.functionsId
    identityClientId: identities.outputs.functionsClientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tableEndpoint: storage.outputs.tableEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    recordingsBlobEndpoint: mediaStorage.outputs.blobEndpoint
    nodesTableEndpoint: mediaStorage.outputs.tableEndpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: functionsMaximumInstanceCount
    alwaysReadyHttp: functionsAlwaysReadyHttp
    maxDialsPerSecond: maxDialsPerSecond
    dialBurst: dialBurst
    instanceMemoryMB: functionsInstanceMemoryMB
    metaPhoneNumberIds: metaPhoneNumberIds
    metaDefaultPhoneNumberId: metaDefaultPhoneNumberId
    inboundPlans: inboundPlans
    promptsContainerUrl: mediaStorage.outputs.promptsContainerUrl
    graphApiVersion: graphApiVersion
    graphAccessTokenUri: keyVault.outputs.graphAccessTokenUri
    metaAppSecretUri: keyVault.outputs.metaAppSecretUri
    metaVerifyTokenUri: keyVault.outputs.metaVerifyTokenUri
    mediaNodeKeyUris: keyVault.outputs.mediaNodeKeyUris
    callbackSigningSecretUri: keyVault.outputs.callbackSigningSecretUri
    webPubSubEndpoint: webPubSub.outputs.endpoint
    consoleAuthClientId: consoleAuthClientId
  }
}

module mediaNodes 'modules/medianode.bicep' = [for (nodeId, i) in nodeIds: if (!aks && !empty(mediaNodeImage)) {
  name: 'mediaNode-${nodeId}'
  dependsOn: [rbac]
  params: {
    location: location
    tags: tags
    name: 'ci-${nodeId}-${resourceToken}'
    nodeId: nodeId
    image: mediaNodeImage
    registryServer: registry.outputs.loginServer
    identityId: identities.outputs.mediaNodes[i].id
    identityClientId: identities.outputs.mediaNodes[i].clientId
    udpPort: mediaNodeUdpPort
    healthPort: mediaNodeHealthPort
    cpuCores: 2
    memoryGb: 2
    maxCalls: mediaNodeMaxCalls
    publicAddress: i < length(mediaNodePublicAddresses) ? mediaNodePublicAddresses[i] : ''
    eventsUrl: 'https://${functions.outputs.defaultHostName}/api/media/events'
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    newCallsQueue: newCallsQueue
    nodeQueuePrefix: nodeQueuePrefix
    storageBlobEndpoint: mediaStorage.outputs.blobEndpoint
    storageTableEndpoint: mediaStorage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.connectionString
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    eventsSecret: mediaNodeKeys[nodeId]
    promptsContainerUrl: mediaStorage.outputs.promptsContainerUrl
    streamKeysVaultUri: keyVault.outputs.vaultUri
  }
}]

@description('Callback URL to enter in the Meta app dashboard (Webhooks, fields calls and messages).')
output WEBHOOK_URL string = 'https://${functions.outputs.defaultHostName}/api/webhook'

@description('Base URL of the dial API (POST {base}/calls with the function key).')
output DIAL_API_BASE_URL string = 'https://${functions.outputs.defaultHostName}/api'

@description('Public IPs of the ACI MediaNodes (empty before the image exists, and with mediaHosting aks: each VM has its own).')
output MEDIANODE_PUBLIC_IPS array = [for (nodeId, i) in nodeIds: aks || empty(mediaNodeImage) ? '' : mediaNodes[i]!.outputs.publicIp]

@description('MediaNode media address (first ACI node) as ip:udpPort.')
output MEDIANODE_PUBLIC_ADDRESS string = aks || empty(mediaNodeImage) ? '' : '${mediaNodes[0]!.outputs.publicIp}:${mediaNodeUdpPort}'

// What infra/k8s/render.sh reads (mediaHosting aks): `azd env get-values` exports these names.
output MEDIA_HOSTING string = mediaHosting
output AKS_CLUSTER_NAME string = aks ? cluster!.outputs.name : ''
output AKS_MEDIANODE_CLIENT_ID string = aks ? cluster!.outputs.mediaIdentityClientId : ''
output AKS_KEDA_CLIENT_ID string = aks ? cluster!.outputs.kedaIdentityClientId : ''
output AKS_MIN_MEDIANODES int = aksMinMediaNodes
output AKS_MAX_MEDIANODES int = aksMaxMediaNodes
output AZURE_TENANT_ID string = tenant().tenantId
output MEDIANODE_EVENTS_URL string = 'https://${functions.outputs.defaultHostName}/api/media/events'
output MEDIANODE_MAX_CALLS int = mediaNodeMaxCalls
output MEDIANODE_UDP_PORT int = mediaNodeUdpPort
output MEDIANODE_HEALTH_PORT int = mediaNodeHealthPort
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICEBUS_NEW_CALLS_QUEUE string = newCallsQueue
output SERVICEBUS_NODE_QUEUE_PREFIX string = nodeQueuePrefix
output MEDIA_STORAGE_BLOB_ENDPOINT string = mediaStorage.outputs.blobEndpoint
output MEDIA_STORAGE_TABLE_ENDPOINT string = mediaStorage.outputs.tableEndpoint
output PROMPTS_CONTAINER_URL string = mediaStorage.outputs.promptsContainerUrl
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.logAnalyticsCustomerId
@description('Not a secret: Application Insights takes only Entra ID tokens (local auth off).')
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString

output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
@description('The vault stream steps\' keyVaultSecret names are read from (MediaNode StreamKeys__KeyVaultUri).')
output STREAM_KEYS_VAULT_URI string = keyVault.outputs.vaultUri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
