// Service Bus namespace of the command transport (Shared/Transport). Commands that start a call go to the shared
// queue commands-new (competing consumers); follow-ups go to the owning node's queue commands-{nodeId}. The
// nodes are a fixed, declared set (mn0..mn{n-1}) so their queues are declared here too: the nodes get only
// Data Receiver rights, not Manage, and cannot create queues themselves. SAS (local) auth is off.
param location string
param tags object
param name string
@description('Log Analytics workspace (resource id) every resource here sends its diagnostic logs and metrics to.')
param logAnalyticsWorkspaceId string
param newCallsQueue string
param nodeQueuePrefix string
param nodeIds array

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

// One file for these settings: the Service Bus test broker (tests/ServiceBusBroker) runs the tests with them too.
// maxDeliveryCount must stay above Transport:MaxAttempts so our own dead-letter reason comes first.
// Duplicate detection: command message ids are deterministic (Shared/Transport), so a command sent twice (a retried
// send, a redelivered webhook) is dropped by Service Bus within the window. It can only be set when a queue is
// created: an existing deployment's queues must be deleted and re-provisioned to get it.
var queueProperties = loadJsonContent('servicebus-queue.json')

resource newCalls 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: newCallsQueue
  properties: queueProperties
}

resource nodeQueues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = [for nodeId in nodeIds: {
  parent: namespace
  name: '${nodeQueuePrefix}${nodeId}'
  properties: queueProperties
}]

// Operational and runtime logs (dead-lettered commands show here) and queue metrics.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
