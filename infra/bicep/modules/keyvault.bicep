// Key Vault holding every secret the app reads. The Functions app reads them through Key Vault references
// (@Microsoft.KeyVault(SecretUri=...)) with its user-assigned identity (Key Vault Secrets User, rbac.bicep);
// no secret value is ever written into an app setting. Access is by Azure RBAC, not access policies.
param location string
param tags object
param name string
@description('Log Analytics workspace (resource id) every resource here sends its diagnostic logs and metrics to.')
param logAnalyticsWorkspaceId string

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret can be recovered.')
param softDeleteRetentionInDays int

@description('Whether a deleted vault or secret cannot be purged before its retention ends (cannot be undone).')
param enablePurgeProtection bool

@secure()
param graphAccessToken string
@secure()
param metaAppSecret string
@secure()
param metaVerifyToken string
@description('MediaNode ids, one events key secret each.')
param mediaNodeIds array
@secure()
@description('Each node\'s own events key by node id (main.bicep derives them at provisioning).')
param mediaNodeKeys object
@secure()
param callbackSigningSecret string

@secure()
@description('Keys stream steps name with keyVaultSecret: { "<secret name>": "<key>" }, one secret each.')
param streamKeys object

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection cannot be turned off once on; null (not false) leaves it off, as ARM requires.
    enablePurgeProtection: enablePurgeProtection ? true : null
  }
}

resource graphToken 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'whatsapp-graph-access-token'
  properties: { value: graphAccessToken }
}

resource appSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'meta-app-secret'
  properties: { value: metaAppSecret }
}

resource verifyToken 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'meta-verify-token'
  properties: { value: metaVerifyToken }
}

// One secret per MediaNode: the Functions reference each (MediaEvents:NodeKeys:{nodeId}); a node gets only its own.
resource nodeKeySecrets 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [for nodeId in mediaNodeIds: {
  parent: vault
  name: 'media-node-key-${nodeId}'
  properties: { value: mediaNodeKeys[nodeId] }
}]

resource callbackSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'callback-signing-secret'
  properties: { value: callbackSigningSecret }
}

// Agents' keys (stream steps' keyVaultSecret): read by the MediaNodes, which may read these secrets only (rbac.bicep).
resource streamKeySecrets 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [for key in items(streamKeys): {
  parent: vault
  name: key.key
  properties: { value: key.value }
}]

// Every secret read (AuditEvent).
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = vault.name
output graphAccessTokenUri string = graphToken.properties.secretUri
output metaAppSecretUri string = appSecret.properties.secretUri
output metaVerifyTokenUri string = verifyToken.properties.secretUri
output mediaNodeKeyUris array = [for (nodeId, i) in mediaNodeIds: { nodeId: nodeId, uri: nodeKeySecrets[i].properties.secretUri }]
output callbackSigningSecretUri string = callbackSecret.properties.secretUri
output vaultUri string = vault.properties.vaultUri
// Names only, which are not secret (the values stay in the vault): the secrets the MediaNodes are granted.
#disable-next-line outputs-should-not-contain-secrets
output streamKeyNames array = [for (key, i) in items(streamKeys): streamKeySecrets[i].name]
