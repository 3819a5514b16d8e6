// Serverless WhatsApp Business calling: everything one deployment needs.
//   Functions app (Flex Consumption, .NET 10 isolated)  -> dial API, Meta webhook, media events
//   MediaNodes (Azure Container Instances, public IP)    -> WebRTC audio peers, one UDP port each
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

@description('Entra app registration (client id) agents sign in to the console with (App Service authentication); empty: the console stays closed.')
param consoleAuthClientId string = ''

@minValue(1)
@maxValue(20)
@description('Number of MediaNodes (one container group each). Each gets its own command queue.')
param mediaNodeCount int = 1

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

@minValue(7)
@maxValue(90)
@description('Days a deleted Key Vault (or secret) stays recoverable.')
param keyVaultSoftDeleteRetentionDays int = 90

@description('Key Vault purge protection: a deleted vault or secret cannot be purged before its retention ends. Cannot be turned off once on; set false only for throw-away environments.')
param keyVaultPurgeProtection bool = true

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var newCallsQueue = 'commands-new'
var nodeQueuePrefix = 'commands-'
var nodeIds = [for i in range(0, mediaNodeCount): 'mn${i}']
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

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    tags: tags
    functionsIdentityName: 'id-func-${resourceToken}'
    mediaNodeIdentityPrefix: 'id-media-${resourceToken}'
    nodeIds: nodeIds
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
  }
}

module mediaStorage 'modules/mediastorage.bicep' = {
  name: 'mediaStorage'
  params: {
    location: location
    tags: tags
    name: mediaStorageName
    recordingsRetentionDays: recordingsRetentionDays
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    location: location
    tags: tags
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
    name: 'kv-${resourceToken}'
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    enablePurgeProtection: keyVaultPurgeProtection
    graphAccessToken: graphAccessToken
    metaAppSecret: metaAppSecret
    metaVerifyToken: metaVerifyToken
    mediaNodeIds: nodeIds
    mediaNodeKeys: mediaNodeKeys
    callbackSigningSecret: callbackSigningSecret
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    tags: tags
    name: 'cr${resourceToken}'
    pullPrincipalIds: [for (nodeId, i) in nodeIds: identities.outputs.mediaNodes[i].principalId]
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
    mediaNodes: [for (nodeId, i) in nodeIds: { nodeId: nodeId, principalId: identities.outputs.mediaNodes[i].principalId }]
    newCallsQueue: newCallsQueue
    nodeQueuePrefix: nodeQueuePrefix
  }
}

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webPubSub'
  params: {
    location: location
    tags: tags
    name: 'wps-${resourceToken}'
    functionsPrincipalId: identities.outputs.functionsPrincipalId
  }
}

module functions 'modules/functionapp.bicep' = {
  name: 'functions'
  dependsOn: [rbac]
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    identityId: identities.outputs.functionsId
    identityClientId: identities.outputs.functionsClientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tableEndpoint: storage.outputs.tableEndpoint
    recordingsBlobEndpoint: mediaStorage.outputs.blobEndpoint
    nodesTableEndpoint: mediaStorage.outputs.tableEndpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: functionsMaximumInstanceCount
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

module mediaNodes 'modules/medianode.bicep' = [for (nodeId, i) in nodeIds: if (!empty(mediaNodeImage)) {
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
    eventsSecret: mediaNodeKeys[nodeId]
    promptsContainerUrl: mediaStorage.outputs.promptsContainerUrl
  }
}]

@description('Callback URL to enter in the Meta app dashboard (Webhooks, fields calls and messages).')
output WEBHOOK_URL string = 'https://${functions.outputs.defaultHostName}/api/webhook'

@description('Base URL of the dial API (POST {base}/calls with the function key).')
output DIAL_API_BASE_URL string = 'https://${functions.outputs.defaultHostName}/api'

@description('Public IPs of the MediaNodes (empty before the image exists).')
output MEDIANODE_PUBLIC_IPS array = [for (nodeId, i) in nodeIds: empty(mediaNodeImage) ? '' : mediaNodes[i]!.outputs.publicIp]

@description('MediaNode media address (first node) as ip:udpPort.')
output MEDIANODE_PUBLIC_ADDRESS string = empty(mediaNodeImage) ? '' : '${mediaNodes[0]!.outputs.publicIp}:${mediaNodeUdpPort}'

output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
