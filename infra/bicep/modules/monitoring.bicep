// Log Analytics workspace + workspace-based Application Insights. Local (key) auth is off: the Functions
// identity publishes telemetry with Monitoring Metrics Publisher (see rbac.bicep).
param location string
param tags object
param logAnalyticsName string
param appInsightsName string

resource logs 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

// The workspace's own query audit, and Application Insights' metrics: its logs already live in this workspace
// (workspace-based), so sending them again would only bill them twice.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource logsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: logs
  properties: {
    workspaceId: logs.id
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource insightsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: insights
  properties: {
    workspaceId: logs.id
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output appInsightsName string = insights.name
output connectionString string = insights.properties.ConnectionString
output logAnalyticsName string = logs.name
output logAnalyticsId string = logs.id
@description('The workspace id (a GUID) KQL clients such as KEDA\'s log-analytics scaler name.')
output logAnalyticsCustomerId string = logs.properties.customerId
