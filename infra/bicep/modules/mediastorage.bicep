// The MediaNodes' storage account: heartbeat rows (table medianodes), prompts (blob container prompts) and call
// recordings (container recordings, deleted after recordingsRetentionDays by a lifecycle rule).
// Shared keys are off: the nodes reach it with their managed identity (MediaNode:BlobServiceUri / TableServiceUri,
// Blob and Table Data Contributor in rbac.bicep), as the Functions reach theirs (storage.bicep).
param location string
param tags object
param name string
@description('Log Analytics workspace (resource id) every resource here sends its diagnostic logs and metrics to.')
param logAnalyticsWorkspaceId string
@description('Days after which recordings are deleted by the lifecycle policy.')
param recordingsRetentionDays int

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
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource prompts 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobs
  name: 'prompts'
}

resource recordings 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobs
  name: 'recordings'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource heartbeats 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = {
  parent: tables
  name: 'medianodes'
}

resource retention 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'recordings-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${recordings.name}/']
            }
            actions: {
              baseBlob: {
                delete: { daysAfterModificationGreaterThan: recordingsRetentionDays }
              }
            }
          }
        }
      ]
    }
  }
}

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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('The one container prompts are played from (Prompts:ContainerUrl of the Functions and the nodes); never recordings.')
output promptsContainerUrl string = '${account.properties.primaryEndpoints.blob}${prompts.name}'
output tableEndpoint string = account.properties.primaryEndpoints.table
