// One user-assigned identity per workload: the Functions app, and each MediaNode its own (so a node's identity can be
// granted its own command queue only, and a leaked node identity speaks for that node alone). Roles: rbac.bicep.
param location string
param tags object
param functionsIdentityName string
@description('Prefix of the MediaNode identities: one per node, named {prefix}-{nodeId}.')
param mediaNodeIdentityPrefix string
@description('The MediaNode ids (mn0..mn{n-1}).')
param nodeIds array

resource functions 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: functionsIdentityName
  location: location
  tags: tags
}

resource mediaNodes 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = [for nodeId in nodeIds: {
  name: '${mediaNodeIdentityPrefix}-${nodeId}'
  location: location
  tags: tags
}]

output functionsId string = functions.id
output functionsClientId string = functions.properties.clientId
output functionsPrincipalId string = functions.properties.principalId
@description('Per node, in nodeIds order: { nodeId, id, clientId, principalId }.')
output mediaNodes array = [for (nodeId, i) in nodeIds: {
  nodeId: nodeId
  id: mediaNodes[i].id
  clientId: mediaNodes[i].properties.clientId
  principalId: mediaNodes[i].properties.principalId
}]
