// Small account for MediaNode heartbeat rows only. It keeps shared-key access because the node's heartbeat
// client is built from a connection string (MediaNodeOptions.StorageConnectionString); the data account
// (storage.bicep) has shared keys off.
param location string
param tags object
param name string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

output name string = account.name
