// Azure OpenAI for stream steps in the openai-realtime dialect with auth "entra": the MediaNodes' identities get
// Cognitive Services OpenAI User on the one account named (inference only: no keys, no deployments, no management).
// Deployed at the account's resource group, which may differ from the deployment's.
param accountName string
@description('The distinct MediaNode principals (ACI: one per node; AKS: the fleet identity).')
param principalIds array

var cognitiveServicesOpenAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
}

resource openAiUsers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in principalIds: {
  scope: account
  name: guid(account.id, principalId, cognitiveServicesOpenAiUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAiUser)
  }
}]
