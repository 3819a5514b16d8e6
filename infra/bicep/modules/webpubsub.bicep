// Azure Web PubSub for the agent console: the Functions push ringing, answers and call ends to agents' pages.
// Local (key) auth is off: the Functions publish and mint client tokens with their managed identity (Web PubSub
// Service Owner on this resource only); pages connect with those short-lived client tokens (json.webpubsub.azure.v1).
param location string
param tags object
param name string
param functionsPrincipalId string

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

output endpoint string = 'https://${pubSub.properties.hostName}/'
