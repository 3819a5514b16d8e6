// Every role assignment, by built-in role id, named guid(scope, principal, role) so redeploys are idempotent.
// What each identity needs:
//   Functions: host storage (blobs incl. the deployment package, queues, tables), the work queues the queue triggers
//              read and the app sends to (Queue Data Contributor: send, receive, delete; nothing else needs queues),
//              and the call/permission/callback tables; sends commands on Service Bus; reads Key Vault references; publishes App Insights telemetry.
//              On the media account: Storage Blob Delegator (account scope: asks for user-delegation keys) and Storage
//              Blob Data Contributor on the recordings container only: the read links it signs (read-only SAS) reach
//              recordings and nothing else, and retention and user erasure delete recordings; Table Data Contributor
//              on the heartbeat table only (NodeWatch reads rows, forgets dead nodes).
//   MediaNodes: each its own identity; receives on its own queue commands-{nodeId} and the shared commands-new only
//              (queue scope, never the namespace: no node reads another node's commands); on the media account
//              (mediastorage.bicep) reads prompts and writes recordings (Blob Data Contributor) and heartbeats (Table
//              Data Contributor); reads the stream keys (keyVaultSecret) only, each secret scoped, never the vault.
param storageAccountName string
param mediaStorageAccountName string
param serviceBusName string
param keyVaultName string
param appInsightsName string
param functionsPrincipalId string
@description('Per node: { nodeId, principalId } (ACI: identities.bicep output mediaNodes; AKS: every node the fleet identity).')
param mediaNodes array
@description('The distinct MediaNode principals (ACI: one per node; AKS: the one workload identity): storage, new calls, telemetry.')
param mediaPrincipalIds array
@description('The node ids whose events key the AKS fleet identity reads from Key Vault (CSI driver); unused when nodeKeyReaderPrincipalId is empty.')
param mediaNodeIds array
@description('AKS: the fleet identity, which reads the nodes\' events keys (media-node-key-{nodeId} only, never the vault). Empty with ACI (keys are secure environment values).')
param nodeKeyReaderPrincipalId string
@description('AKS: KEDA\'s identity (queue length of commands-new, active calls from Log Analytics). Empty with ACI.')
param kedaPrincipalId string
param logAnalyticsName string
param newCallsQueue string
param nodeQueuePrefix string
@description('The secrets stream steps name (keyVaultSecret): every MediaNode principal reads exactly these, never the vault.')
param streamKeyNames array = []

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var storageBlobDelegator = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var storageRoles = [
  { principalId: functionsPrincipalId, roleId: storageBlobDataOwner }
  { principalId: functionsPrincipalId, roleId: storageQueueDataContributor }
  { principalId: functionsPrincipalId, roleId: storageTableDataContributor }
]

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  scope: storage
  name: guid(storage.id, role.principalId, role.roleId)
  properties: {
    principalId: role.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.roleId)
  }
}]

resource mediaStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: mediaStorageAccountName
}

resource mediaBlobAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in mediaPrincipalIds: {
  scope: mediaStorage
  name: guid(mediaStorage.id, principalId, storageBlobDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}]

resource mediaTableAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in mediaPrincipalIds: {
  scope: mediaStorage
  name: guid(mediaStorage.id, principalId, storageTableDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}]

resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: serviceBus
  name: guid(serviceBus.id, functionsPrincipalId, serviceBusDataSender)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
  }
}

resource newCalls 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' existing = {
  parent: serviceBus
  name: newCallsQueue
}

resource nodeQueues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' existing = [for node in mediaNodes: {
  parent: serviceBus
  name: '${nodeQueuePrefix}${node.nodeId}'
}]

resource nodeOwnQueueReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (node, i) in mediaNodes: {
  scope: nodeQueues[i]
  name: guid(nodeQueues[i].id, node.principalId, serviceBusDataReceiver)
  properties: {
    principalId: node.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
  }
}]

resource newCallsReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in mediaPrincipalIds: {
  scope: newCalls
  name: guid(newCalls.id, principalId, serviceBusDataReceiver)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
  }
}]

resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, functionsPrincipalId, keyVaultSecretsUser)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource insightsAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, functionsPrincipalId, monitoringMetricsPublisher)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource recordings 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = {
  name: '${mediaStorageAccountName}/default/recordings'
}

resource mediaDelegatorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: mediaStorage
  name: guid(mediaStorage.id, functionsPrincipalId, storageBlobDelegator)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDelegator)
  }
}

resource recordingsContributorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: recordings
  name: guid(recordings.id, functionsPrincipalId, storageBlobDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

// Dead-node failover (NodeWatch): the Functions read the nodes' heartbeat rows and delete a dead node's row. Scoped to
// that one table, so the app cannot touch prompts or write recordings.
resource heartbeats 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' existing = {
  name: '${mediaStorageAccountName}/default/medianodes'
}

resource heartbeatsAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: heartbeats
  name: guid(heartbeats.id, functionsPrincipalId, storageTableDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

// The nodes export their metrics and traces to Application Insights with Entra ID (local auth is off).
resource mediaInsightsAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in mediaPrincipalIds: {
  scope: insights
  name: guid(insights.id, principalId, monitoringMetricsPublisher)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}]

// AKS: each pod mounts its own events key through the CSI driver. The fleet shares one identity (a StatefulSet's pods
// share a ServiceAccount), so it may read every node's key, but only those secrets: never Meta's or the callback secret.
resource nodeKeySecrets 'Microsoft.KeyVault/vaults/secrets@2025-05-01' existing = [for nodeId in mediaNodeIds: {
  parent: vault
  name: 'media-node-key-${nodeId}'
}]

resource nodeKeyReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (nodeId, i) in mediaNodeIds: if (!empty(nodeKeyReaderPrincipalId)) {
  scope: nodeKeySecrets[i]
  name: guid(nodeKeySecrets[i].id, nodeKeyReaderPrincipalId, keyVaultSecretsUser)
  properties: {
    principalId: nodeKeyReaderPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}]

// AKS: KEDA's azure-servicebus scaler reads the queue's runtime properties, which Service Bus serves only to the
// Manage right (Data Owner): scoped to the new-calls queue alone.
resource kedaQueueReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(kedaPrincipalId)) {
  scope: newCalls
  name: guid(newCalls.id, kedaPrincipalId, serviceBusDataOwner)
  properties: {
    principalId: kedaPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: logAnalyticsName
}

// AKS: KEDA's azure-log-analytics scaler sums the nodes' medianode.calls.active (AppMetrics in this workspace).
resource kedaLogReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(kedaPrincipalId)) {
  scope: workspace
  name: guid(workspace.id, kedaPrincipalId, logAnalyticsReader)
  properties: {
    principalId: kedaPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
  }
}

// Stream steps' keyVaultSecret: each MediaNode principal reads each stream key secret, and no other secret.
var streamKeyGrants = flatten(map(streamKeyNames, name => map(mediaPrincipalIds, principalId => { name: name, principalId: principalId })))

resource streamKeySecrets 'Microsoft.KeyVault/vaults/secrets@2025-05-01' existing = [for grant in streamKeyGrants: {
  parent: vault
  name: grant.name
}]

resource streamKeyReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (grant, i) in streamKeyGrants: {
  scope: streamKeySecrets[i]
  name: guid(streamKeySecrets[i].id, grant.principalId, keyVaultSecretsUser)
  properties: {
    principalId: grant.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}]
