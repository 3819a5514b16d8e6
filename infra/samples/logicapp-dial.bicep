// Sample: a Logic App (Consumption) that dials a WhatsApp user and waits for the call's outcome through the
// status callback, then hands the outcome to the rest of your workflow (here: the Response / a Compose).
//
// Two workflows, because one call sends several callbacks (call.ringing, call.connected, call.ended) while a
// Logic App webhook action resumes on the first POST it receives:
//   dial:  trigger (HTTP request or schedule) -> HTTP Webhook action: POST {api}/calls with callbackUrl = the
//          relay's URL carrying this run's resume URL (listCallbackUrl()) -> waits -> outcome.
//   relay: receives every signed callback, answers 200, and on call.ended POSTs the event to the resume URL.
// Deploy into the resource group of the Functions app:
//   az deployment group create -g <rg> -f infra/samples/logicapp-dial.bicep -p functionAppName=<func-...>
param location string = resourceGroup().location

@description('Name of the deployed Functions app (output AZURE_FUNCTION_APP_NAME of infra/bicep/main.bicep).')
param functionAppName string

@allowed(['Request', 'Recurrence'])
@description('Request: dial the number posted to the workflow ({"to": "+1..."}). Recurrence: dial scheduledTo every day at scheduledHour (UTC).')
param triggerKind string = 'Request'

@description('Number the schedule dials (E.164); used when triggerKind is Recurrence.')
param scheduledTo string = ''

@minValue(0)
@maxValue(23)
param scheduledHour int = 9

@description('Longest wait for the outcome before the webhook action times out.')
param outcomeTimeout string = 'PT1H'

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var apiBase = 'https://${functionApp.properties.defaultHostName}/api'

resource relay 'Microsoft.Logic/workflows@2019-05-01' = {
  name: 'la-call-outcome-relay'
  location: location
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      triggers: {
        callback: {
          type: 'Request'
          kind: 'Http'
          inputs: {
            method: 'POST'
            schema: {
              type: 'object'
              properties: {
                eventId: { type: 'string' }
                callId: { type: 'string' }
                type: { type: 'string' }
                state: { type: 'string' }
                outcome: { type: 'string' }
                durationSeconds: { type: 'number' }
              }
            }
          }
        }
      }
      actions: {
        Acknowledge: {
          type: 'Response'
          kind: 'Http'
          runAfter: {}
          inputs: { statusCode: 200 }
        }
        If_call_ended: {
          type: 'If'
          runAfter: { Acknowledge: ['Succeeded'] }
          expression: {
            and: [
              { equals: ['@triggerBody()?[\'type\']', 'call.ended'] }
            ]
          }
          actions: {
            Resume_dial_run: {
              type: 'Http'
              runAfter: {}
              inputs: {
                method: 'POST'
                uri: '@{decodeUriComponent(triggerOutputs()?[\'queries\']?[\'resume\'])}'
                body: '@triggerBody()'
              }
            }
          }
          else: { actions: {} }
        }
      }
    }
  }
}

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

var waitForOutcome = {
  Dial_and_wait_for_outcome: {
    type: 'HttpWebhook'
    runAfter: {}
    limit: { timeout: outcomeTimeout }
    inputs: {
      subscribe: {
        method: 'POST'
        uri: '${apiBase}/calls'
        headers: {
          'x-functions-key': '@parameters(\'functionKey\')'
          'Idempotency-Key': '@{workflow()?[\'run\']?[\'name\']}'
        }
        body: {
          to: toExpression
          callbackUrl: '@{parameters(\'relayUrl\')}&resume=@{encodeUriComponent(listCallbackUrl())}'
          metadata: { source: 'logic-app-sample' }
        }
      }
    }
  }
}

var responseAction = {
  Return_outcome: {
    type: 'Response'
    kind: 'Http'
    runAfter: { Dial_and_wait_for_outcome: ['Succeeded'] }
    inputs: {
      statusCode: 200
      body: '@body(\'Dial_and_wait_for_outcome\')'
    }
  }
}

var composeAction = {
  Outcome: {
    type: 'Compose'
    runAfter: { Dial_and_wait_for_outcome: ['Succeeded'] }
    inputs: '@body(\'Dial_and_wait_for_outcome\')?[\'outcome\']'
  }
}

resource dial 'Microsoft.Logic/workflows@2019-05-01' = {
  name: 'la-dial-and-wait'
  location: location
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      parameters: {
        functionKey: { type: 'securestring' }
        relayUrl: { type: 'securestring' }
      }
      triggers: triggerKind == 'Request' ? requestTrigger : recurrenceTrigger
      actions: union(waitForOutcome, triggerKind == 'Request' ? responseAction : composeAction)
    }
    // Read at deployment time from the Functions app and the relay; never written into the template.
    parameters: {
      functionKey: { value: listKeys('${functionApp.id}/host/default', '2024-04-01').functionKeys.default }
      relayUrl: { value: listCallbackUrl('${relay.id}/triggers/callback', '2019-05-01').value }
    }
  }
}

@description('POST {"to": "+E164"} here to dial (triggerKind Request).')
output dialWorkflowName string = dial.name
output relayWorkflowName string = relay.name
