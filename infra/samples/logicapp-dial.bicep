// Sample: a Logic App (Consumption) that dials a WhatsApp user and waits for the call's result with the API's
// asynchronous request-reply pattern (POST /api/calls?wait=true: 202 + Location + Retry-After, polled until 200 with
// the final call). No request is held open, so calls of any length fit Logic Apps' 120 s request limit, and no
// callback is involved: the result is read from the API over TLS with a function key, so nothing unauthenticated
// reaches the workflow. (For events instead of one result, the connector's trigger "When a call changes state" or
// POST /api/subscriptions; verify each event's X-Callback-Signature-256 as src/Functions/Callbacks/README.md says,
// e.g. in Logic Apps Standard inline code: Consumption expressions have no HMAC.)
//
// The key: a function-scoped key named 'logicapp-dial', valid only for PlaceCall and GetCallResult (not the host
// default key, which opens every function), written to Key Vault; the workflow reads it at run time with its own
// identity (Key Vault Secrets User on that one secret) and keeps it out of run history (secure inputs/outputs).
// Deploy into the resource group of the Functions app (the deployer needs to write secrets in the vault):
//   az deployment group create -g <rg> -f infra/samples/logicapp-dial.bicep \
//     -p functionAppName=<func-...> keyVaultName=<kv-...>
param location string = resourceGroup().location

@description('Name of the deployed Functions app (output AZURE_FUNCTION_APP_NAME of infra/bicep/main.bicep).')
param functionAppName string

@description('Name of the deployment\'s Key Vault (kv-<token> in the same resource group).')
param keyVaultName string

@secure()
@description('Value of the function key; a new random one on every deployment unless given (rotation = redeploy).')
param dialKeyValue string = newGuid()

@allowed(['Request', 'Recurrence'])
@description('Request: dial the number posted to the workflow ({"to": "+1..."}). Recurrence: dial scheduledTo every day at scheduledHour (UTC).')
param triggerKind string = 'Request'

@description('Number the schedule dials (E.164); used when triggerKind is Recurrence.')
param scheduledTo string = ''

@minValue(0)
@maxValue(23)
param scheduledHour int = 9

@description('Longest wait for the result (ringing + the call); the polling loop gives up after it.')
param resultTimeout string = 'PT2H'

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

var keyName = 'logicapp-dial'
var secretName = 'logicapp-dial-function-key'

// One key value on the two functions the pattern calls: place the call, then poll its result URL.
resource placeCallKey 'Microsoft.Web/sites/functions/keys@2025-03-01' = {
  name: '${functionAppName}/PlaceCall/${keyName}'
  value: dialKeyValue
}

resource resultKey 'Microsoft.Web/sites/functions/keys@2025-03-01' = {
  name: '${functionAppName}/GetCallResult/${keyName}'
  value: dialKeyValue
}

resource keySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: secretName
  properties: {
    value: dialKeyValue
    contentType: 'Function key of ${functionAppName} for PlaceCall and GetCallResult (Logic App sample)'
  }
}

var apiBase = 'https://${functionApp.properties.defaultHostName}/api'
var secureInputsOutputs = { secureData: { properties: ['inputs', 'outputs'] } }
var functionKeyHeader = '@body(\'Get_function_key\')?[\'value\']'

var requestTrigger = {
  dial_request: {
    type: 'Request'
    kind: 'Http'
    inputs: {
      method: 'POST'
      schema: {
        type: 'object'
        required: ['to']
        properties: {
          to: { type: 'string' }
        }
      }
    }
  }
}

var recurrenceTrigger = {
  daily: {
    type: 'Recurrence'
    recurrence: {
      frequency: 'Day'
      interval: 1
      schedule: { hours: [string(scheduledHour)] }
      timeZone: 'UTC'
    }
  }
}

var toExpression = triggerKind == 'Request' ? '@triggerBody()?[\'to\']' : scheduledTo

var dialAndPoll = {
  Get_function_key: {
    type: 'Http'
    runAfter: {}
    runtimeConfiguration: secureInputsOutputs
    inputs: {
      method: 'GET'
      uri: '${vault.properties.vaultUri}secrets/${secretName}?api-version=7.4'
      authentication: {
        type: 'ManagedServiceIdentity'
        audience: 'https://${substring(environment().suffixes.keyvaultDns, 1)}'
      }
    }
  }
  // The workflow polls itself (DisableAsyncPattern) so every poll carries the function key.
  Place_call: {
    type: 'Http'
    runAfter: { Get_function_key: ['Succeeded'] }
    operationOptions: 'DisableAsyncPattern'
    runtimeConfiguration: { secureData: { properties: ['inputs'] } }
    inputs: {
      method: 'POST'
      uri: '${apiBase}/calls?wait=true'
      headers: {
        'x-functions-key': functionKeyHeader
        'Idempotency-Key': '@{workflow()?[\'run\']?[\'name\']}'
      }
      body: {
        to: toExpression
        metadata: { source: 'logic-app-sample', run: '@{workflow()?[\'run\']?[\'name\']}' }
      }
    }
  }
  Wait_for_result: {
    type: 'Until'
    runAfter: { Place_call: ['Succeeded'] }
    expression: '@equals(outputs(\'Poll_result\')?[\'statusCode\'], 200)'
    limit: {
      count: 5000
      timeout: resultTimeout
    }
    actions: {
      Retry_after: {
        type: 'Wait'
        runAfter: {}
        inputs: {
          interval: {
            count: '@int(coalesce(outputs(\'Place_call\')?[\'headers\']?[\'Retry-After\'], \'10\'))'
            unit: 'Second'
          }
        }
      }
      Poll_result: {
        type: 'Http'
        runAfter: { Retry_after: ['Succeeded'] }
        operationOptions: 'DisableAsyncPattern'
        runtimeConfiguration: { secureData: { properties: ['inputs'] } }
        inputs: {
          method: 'GET'
          uri: '@{outputs(\'Place_call\')?[\'headers\']?[\'Location\']}'
          headers: { 'x-functions-key': functionKeyHeader }
        }
      }
    }
  }
  Result: {
    type: 'Compose'
    runAfter: { Wait_for_result: ['Succeeded'] }
    inputs: {
      callId: '@body(\'Poll_result\')?[\'id\']'
      state: '@body(\'Poll_result\')?[\'state\']'
      outcome: '@body(\'Poll_result\')?[\'outcome\']'
      durationSeconds: '@body(\'Poll_result\')?[\'durationSeconds\']'
      inputs: '@body(\'Poll_result\')?[\'inputs\']'
      lastError: '@body(\'Poll_result\')?[\'lastError\']'
    }
  }
}

// The caller of a Request trigger gets 202 and the call id as soon as the call is placed; the run goes on polling.
var acceptedResponse = {
  Accepted: {
    type: 'Response'
    kind: 'Http'
    runAfter: { Place_call: ['Succeeded'] }
    inputs: {
      statusCode: 202
      body: {
        callId: '@body(\'Place_call\')?[\'id\']'
        state: '@body(\'Place_call\')?[\'state\']'
      }
    }
  }
}

resource dial 'Microsoft.Logic/workflows@2019-05-01' = {
  name: 'la-dial-and-wait'
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      triggers: triggerKind == 'Request' ? requestTrigger : recurrenceTrigger
      actions: union(dialAndPoll, triggerKind == 'Request' ? acceptedResponse : {})
    }
  }
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

// Least privilege: the workflow reads this one secret, nothing else in the vault.
resource secretReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keySecret
  name: guid(keySecret.id, dial.id, keyVaultSecretsUser)
  properties: {
    principalId: dial.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

@description('POST {"to": "+E164"} here to dial (triggerKind Request).')
output dialWorkflowName string = dial.name
