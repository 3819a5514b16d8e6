// One MediaNode: an Azure Container Instances group with a public IP exposing only the node's ONE media UDP port;
// the HTTP health port stays private (ACI runs the liveness/readiness probes against the container itself). ACI, not Container Apps: Container Apps ingress carries HTTP/TCP only, no UDP, and every
// call's ICE/DTLS/SRTP runs over that one UDP port.
param location string
param tags object
param name string
param nodeId string
param image string
@description('Login server of the registry the image is pulled from with the node identity (AcrPull).')
param registryServer string
param identityId string
param identityClientId string
param udpPort int
param healthPort int
param cpuCores int
param memoryGb int
param maxCalls int
@description('The IP Meta reaches the node at; empty on the first deployment (the group\'s IP is not known yet), when the node announces its interfaces instead. See infra/hooks/postprovision.sh.')
param publicAddress string
param eventsUrl string
param serviceBusNamespace string
param newCallsQueue string
param nodeQueuePrefix string
param appInsightsConnectionString string
@description('Log Analytics workspace the container\'s stdout goes to (ContainerInstanceLog_CL).')
param logAnalyticsName string
@secure()
param eventsSecret string
@description('Blob endpoint of the nodes\' account (modules/mediastorage.bicep): prompts, recordings; by identity.')
param storageBlobEndpoint string
@description('Table endpoint of the nodes\' account: heartbeats; by identity.')
param storageTableEndpoint string
@description('Prompts:ContainerUrl: the only container of the account prompts are read from (never recordings).')
param promptsContainerUrl string
@description('The vault stream steps\' keyVaultSecret names are read from.')
param streamKeysVaultUri string

var baseEnvironment = [
  { name: 'MediaNode__NodeId', value: nodeId }
  { name: 'MediaNode__UdpPort', value: string(udpPort) }
  { name: 'MediaNode__HttpPort', value: string(healthPort) }
  { name: 'MediaNode__MaxCalls', value: string(maxCalls) }
  { name: 'MediaNode__EventsUrl', value: eventsUrl }
  // ACI has no Key Vault references: secrets are secure environment variables (never shown by the API). This is the
  // node's OWN events key (main.bicep); the Functions hold every node's key, a node only its own.
  { name: 'MediaNode__EventsSecret', secureValue: eventsSecret }
  // Heartbeats, prompts and recordings by the node identity (AZURE_CLIENT_ID), no account key.
  { name: 'MediaNode__BlobServiceUri', value: storageBlobEndpoint }
  { name: 'MediaNode__TableServiceUri', value: storageTableEndpoint }
  { name: 'Prompts__ContainerUrl', value: promptsContainerUrl }
  // Stream steps' keyVaultSecret: read from here with the node identity (only the stream key secrets, rbac.bicep).
  { name: 'StreamKeys__KeyVaultUri', value: streamKeysVaultUri }
  { name: 'MediaNode__Transport__Kind', value: 'ServiceBus' }
  { name: 'MediaNode__Transport__FullyQualifiedNamespace', value: serviceBusNamespace }
  { name: 'MediaNode__Transport__NewCallsQueue', value: newCallsQueue }
  { name: 'MediaNode__Transport__NodeQueuePrefix', value: nodeQueuePrefix }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
]

// An empty PublicAddress would fail the node's options validation, so the variable is only set when known.
var environmentVariables = empty(publicAddress) ? baseEnvironment : concat(baseEnvironment, [
  { name: 'MediaNode__PublicAddress', value: publicAddress }
])

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: logAnalyticsName
}

resource group 'Microsoft.ContainerInstance/containerGroups@2025-09-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'medianode' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    osType: 'Linux'
    restartPolicy: 'Always'
    // ACI's own log route (container groups take no diagnostic settings): the node's stdout and the group's events.
    // ACI takes only the workspace key here; it is read at deployment and never passes through a parameter or output.
    diagnostics: {
      logAnalytics: {
        workspaceId: workspace.properties.customerId
        workspaceKey: workspace.listKeys().primarySharedKey
        logType: 'ContainerInstanceLogs'
      }
    }
    imageRegistryCredentials: [
      { server: registryServer, identity: identityId }
    ]
    ipAddress: {
      type: 'Public'
      ports: [
        { port: udpPort, protocol: 'UDP' }
      ]
    }
    containers: [
      {
        name: 'medianode'
        properties: {
          image: image
          resources: { requests: { cpu: cpuCores, memoryInGB: memoryGb } }
          ports: [
            { port: udpPort, protocol: 'UDP' }
            { port: healthPort, protocol: 'TCP' }
          ]
          environmentVariables: environmentVariables
          livenessProbe: {
            httpGet: { path: '/healthz', port: healthPort, scheme: 'http' }
            periodSeconds: 10
            failureThreshold: 3
          }
          readinessProbe: {
            httpGet: { path: '/readyz', port: healthPort, scheme: 'http' }
            periodSeconds: 5
          }
        }
      }
    ]
  }
}

output name string = group.name
output publicIp string = group.properties.ipAddress.ip
