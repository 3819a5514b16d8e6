// What an operator watches in Azure: a workbook with the dashboard's charts and four log alerts, all over the
// workspace the Functions and the MediaNodes export to (AppTraces: the Functions' [LoggerMessage] lines; AppMetrics:
// the node's Serverless.MediaNode instruments). Every query matches a log line by its exact message template
// (`parse-where Message with ...`) or an instrument by its exact name; tests/Infra.Tests checks both against src.
// Counts from telemetry follow Application Insights sampling; the exact figures are GET /api/analytics/calls.
param location string
param tags object
@description('Log Analytics workspace (resource id) the queries run against.')
param logAnalyticsWorkspaceId string
param workbookName string
@description('Alert when more than this percentage of the calls that ended in 15 minutes failed (at least 5 calls).')
@minValue(1)
@maxValue(100)
param callFailureRatePercent int
@description('Alert when Meta answered more than this many Graph calls with an error in 15 minutes.')
@minValue(1)
param metaErrorsPer15Minutes int
@description('Email that gets the alerts; empty = alerts fire in the portal only.')
param alertEmail string

// One log line each (the templates are in src/Functions; a test keeps these in step with them).
var callEnded = 'AppTraces | parse-where Message with "Call " CallId " ended " State " (" Outcome ", " EndReason ") on " Trigger'
var callPlaced = 'AppTraces | parse-where Message with "Call " CallId " placed from number " PhoneNumberId " to " To'
var inboundCreated = 'AppTraces | parse-where Message with "Inbound call " CallId " created for wacid " Wacid " on number " PhoneNumberId'
var callMoved = 'AppTraces | parse-where Message with "Call " CallId ": " Trigger " moved " From " -> " To'
var graphFailed = 'AppTraces | parse-where Message with "Call " CallId ": Graph " Action " failed with Meta code " Code'
var callbackGivenUp = 'AppTraces | parse-where Message with "Callback " EventId " to " Host " given up after " Attempt " attempt(s): " Error'
var nodeLost = 'AppTraces | parse-where Message with "Media node " NodeId " silent since " BeatAt ": " Count " calls ended node-lost"'

var charts = [
  {
    name: 'success-rate'
    title: 'Calls: success and answer rate per day (%)'
    visualization: 'timechart'
    // Answered: the call reached Connected (a transition line); success: it ended Completed.
    query: 'let connected = ${callMoved} | where To == "Connected" | distinct CallId | extend Answered = true; ${callEnded} | join kind=leftouter connected on CallId | summarize Calls = count(), Completed = countif(Outcome == "Completed"), Answered = countif(Answered == true) by bin(TimeGenerated, 1d) | project TimeGenerated, SuccessRate = round(100.0 * Completed / Calls, 1), AnswerRate = round(100.0 * Answered / Calls, 1)'
  }
  {
    name: 'outcomes'
    title: 'Outcomes'
    visualization: 'piechart'
    query: '${callEnded} | summarize Calls = count() by Outcome, EndReason | order by Calls desc'
  }
  {
    name: 'setup-time'
    title: 'Setup time: placed or created -> Connected (s)'
    visualization: 'barchart'
    query: 'let started = union (${callPlaced} | project CallId, StartedAt = TimeGenerated), (${inboundCreated} | project CallId, StartedAt = TimeGenerated) | summarize StartedAt = min(StartedAt) by CallId; ${callMoved} | where To == "Connected" | summarize ConnectedAt = min(TimeGenerated) by CallId | join kind=inner started on CallId | extend SetupSeconds = (ConnectedAt - StartedAt) / 1s | summarize Calls = count() by SetupSeconds = bin(SetupSeconds, 0.5) | order by SetupSeconds asc'
  }
  {
    name: 'mos'
    title: 'Audio quality: MOS per hour (mean and worst call)'
    visualization: 'timechart'
    query: 'AppMetrics | where Name == \'medianode.call.mos\' | summarize MeanMos = sum(Sum) / sum(ItemCount), WorstMos = min(Min) by bin(TimeGenerated, 1h)'
  }
  {
    name: 'loss-jitter'
    title: 'Audio quality: inbound loss (%) and jitter (ms) per hour'
    visualization: 'timechart'
    query: 'AppMetrics | where Name in (\'medianode.call.loss\', \'medianode.call.jitter\') | summarize Mean = sum(Sum) / sum(ItemCount) by Name, bin(TimeGenerated, 1h) | extend Mean = iff(Name == \'medianode.call.loss\', 100.0 * Mean, Mean)'
  }
  {
    name: 'per-number'
    title: 'Per business number'
    visualization: 'table'
    query: 'let numbers = union (${callPlaced} | project CallId, PhoneNumberId), (${inboundCreated} | project CallId, PhoneNumberId); ${callEnded} | join kind=inner numbers on CallId | summarize Calls = count(), Completed = countif(Outcome == "Completed"), Failed = countif(Outcome == "Failed") by PhoneNumberId | extend SuccessRate = round(100.0 * Completed / Calls, 1) | order by Calls desc'
  }
  {
    name: 'active-calls'
    title: 'Active calls per MediaNode'
    visualization: 'timechart'
    query: 'AppMetrics | where Name == \'medianode.calls.active\' | summarize ActiveCalls = max(Max) by AppRoleInstance, bin(TimeGenerated, 5m)'
  }
  {
    name: 'meta-errors'
    title: 'Meta (Graph) errors by code'
    visualization: 'barchart'
    query: '${graphFailed} | extend Code = tostring(split(Code, ";")[0]) | summarize Errors = count() by Code, Action | order by Errors desc'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'title'
        content: { json: '## WhatsApp calling\nCalls, outcomes, setup time and audio quality from the Functions\' logs and the MediaNodes\' metrics. Exact counts: `GET /api/analytics/calls`.' }
      }
      {
        type: 9
        name: 'parameters'
        content: {
          version: 'KqlParameterItem/1.0'
          parameters: [
            {
              id: 'time-range'
              version: 'KqlParameterItem/1.0'
              name: 'TimeRange'
              type: 4
              isRequired: true
              value: { durationMs: 604800000 }
              typeSettings: {
                selectableValues: [
                  { durationMs: 3600000 }
                  { durationMs: 86400000 }
                  { durationMs: 604800000 }
                  { durationMs: 2592000000 }
                ]
              }
            }
          ]
        }
      }
    ],
    map(charts, c => {
      type: 3
      name: c.name
      content: {
        version: 'KqlItem/1.0'
        title: c.title
        query: c.query
        size: 0
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        timeContextFromParameter: 'TimeRange'
        visualization: c.visualization
      }
    })
  )
  fallbackResourceIds: [logAnalyticsWorkspaceId]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, workbookName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'WhatsApp calling (${workbookName})'
    category: 'workbook'
    sourceId: logAnalyticsWorkspaceId
    serializedData: string(workbookContent)
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${workbookName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'calls'
    enabled: true
    emailReceivers: [
      { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var alerts = [
  {
    name: 'call-failure-rate'
    description: 'More than ${callFailureRatePercent} % of the calls that ended in 15 minutes failed (at least 5 calls).'
    severity: 2
    query: '${callEnded} | summarize Calls = count(), Failed = countif(Outcome == "Failed") | where Calls >= 5 | extend FailureRate = 100.0 * Failed / Calls'
    measure: 'FailureRate'
    threshold: callFailureRatePercent
  }
  {
    name: 'node-heartbeat-missing'
    description: 'A MediaNode stopped beating: the Functions declared it dead and ended its calls node-lost.'
    severity: 1
    query: '${nodeLost} | project TimeGenerated, NodeId, Count'
    measure: ''
    threshold: 0
  }
  {
    name: 'callbacks-dead-lettered'
    description: 'A status callback was given up after its last attempt: the receiver missed an event.'
    severity: 2
    query: '${callbackGivenUp} | project TimeGenerated, EventId, Host, Attempt'
    measure: ''
    threshold: 0
  }
  {
    name: 'meta-error-spike'
    description: 'Meta answered more than ${metaErrorsPer15Minutes} Graph calls with an error in 15 minutes.'
    severity: 2
    query: '${graphFailed} | extend Code = tostring(split(Code, ";")[0]) | project TimeGenerated, CallId, Action, Code'
    measure: ''
    threshold: metaErrorsPer15Minutes
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [for alert in alerts: {
  name: '${alert.name}-${workbookName}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: alert.name
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [logAnalyticsWorkspaceId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        empty(alert.measure)
          ? {
              query: alert.query
              timeAggregation: 'Count'
              operator: 'GreaterThan'
              threshold: alert.threshold
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
            }
          : {
              query: alert.query
              timeAggregation: 'Maximum'
              metricMeasureColumn: alert.measure
              operator: 'GreaterThan'
              threshold: alert.threshold
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
            }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}]

// Each rule's own execution log (did it run, did its query fail) goes to the workspace too.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource ruleDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [for (alert, i) in alerts: {
  name: 'to-log-analytics'
  scope: rules[i]
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}]

output workbookId string = workbook.id
output alertRuleNames array = [for (alert, i) in alerts: rules[i].name]
