// One user-assigned identity per workload: the Functions app and the MediaNodes. Roles: rbac.bicep.
param location string
param tags object
param functionsIdentityName string
param mediaNodeIdentityName string

resource functions 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionsIdentityName
  location: location
  tags: tags
}

resource mediaNode 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: mediaNodeIdentityName
  location: location
  tags: tags
}

output functionsId string = functions.id
output functionsClientId string = functions.properties.clientId
output functionsPrincipalId string = functions.properties.principalId
output mediaNodeId string = mediaNode.id
output mediaNodeClientId string = mediaNode.properties.clientId
output mediaNodePrincipalId string = mediaNode.properties.principalId
