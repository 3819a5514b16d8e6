// The Functions' storage account: tables (calls, permissions, callback outbox), queues and blobs of the Functions
// host, and the Flex Consumption deployment package. Shared keys are off: every client uses its managed identity
// (roles in rbac.bicep). Prompts and recordings live in the MediaNodes' account (mediastorage.bicep).
param location string
param tags object
param name string
@description('Log Analytics workspace (resource id) every resource here sends its diagnostic logs and metrics to.')
param logAnalyticsWorkspaceId string
param deploymentContainerName string

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobs
  name: deploymentContainerName
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: account
  name: 'default'
}

// The Functions' work queues (WorkQueues__*Queue in functionapp.bicep) and the -poison queue the queue extension moves
// a message to after 5 failed deliveries (created here so an alert or a person can look before any message fails).
var workQueues = ['call-deadlines', 'node-watch', 'callbacks-due', 'dials-due', 'analytics-backfill']

resource workQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [for name in concat(workQueues, map(workQueues, q => '${q}-poison')): {
  parent: queues
  name: name
}]

// Diagnostic settings: the account has metrics only; reads, writes and deletes are logged per service.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobs
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tables
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queues
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
