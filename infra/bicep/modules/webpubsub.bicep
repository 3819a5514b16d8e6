// Azure Web PubSub for the agent console: the Functions push ringing, answers and call ends to agents' pages.
// Local (key) auth is off: the Functions publish and mint client tokens with their managed identity (Web PubSub
// Service Owner on this resource only); pages connect with those short-lived client tokens (json.webpubsub.azure.v1).
param location string
param tags object
param name string
param functionsPrincipalId string
param logAnalyticsWorkspaceId string

@description('Free_F1 for a trial (20 connections), Standard_S1 for a team.')
param skuName string = 'Standard_S1'

var webPubSubServiceOwner = '12cf5a90-567b-43ae-8102-96cf46c7d9b3'

resource pubSub 'Microsoft.SignalRService/webPubSub@2025-01-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName, capacity: 1 }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: { clientCertEnabled: false }
  }
}

resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: pubSub
  name: guid(pubSub.id, functionsPrincipalId, webPubSubServiceOwner)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', webPubSubServiceOwner)
  }
}

// Connectivity, messaging and HTTP request logs: why an agent's page missed a ring.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: pubSub
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output endpoint string = 'https://${pubSub.properties.hostName}/'
