// The Functions app on Flex Consumption (FC1), .NET 10 isolated. Every connection is identity-based with the
// user-assigned identity (AZURE_CLIENT_ID makes DefaultAzureCredential pick it); every secret is a Key Vault
// reference resolved by the platform with that same identity (keyVaultReferenceIdentity).
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings: the runtime is
// declared in functionAppConfig.runtime instead.
param location string
param tags object
param planName string
param appName string
@description('Log Analytics workspace (resource id) every resource here sends its diagnostic logs and metrics to.')
param logAnalyticsWorkspaceId string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param tableEndpoint string
@description('Queue endpoint of the Functions\' storage account: the work queues (deadlines, node watch, callbacks, dials).')
param queueEndpoint string
@description('Blob endpoint of the media storage account: the app signs user-delegation read links to recordings there.')
param recordingsBlobEndpoint string
@description('Table endpoint of the media storage account: NodeWatch reads the MediaNodes\' heartbeat rows there.')
param nodesTableEndpoint string
param serviceBusNamespace string
param appInsightsConnectionString string
param maximumInstanceCount int
@description('Always-ready instances of the HTTP trigger group (dial API, Meta webhook); 0 = scale to zero.')
param alwaysReadyHttp int
@description('Dials started per second across the app (Dials:MaxDialsPerSecond).')
param maxDialsPerSecond int
@description('Dials that may start at once before the rate applies (Dials:Burst).')
param dialBurst int
param instanceMemoryMB int
param metaPhoneNumberIds array
param metaDefaultPhoneNumberId string
@description('Audio plan per business phone number id for its inbound calls (CallingSettings:Numbers:{id}:InboundPlan).')
param inboundPlans object = {}
@description('Prompts:ContainerUrl: audio plans may play blobs of this container only (checked at dial time).')
param promptsContainerUrl string
param graphApiVersion string
param graphAccessTokenUri string
param metaAppSecretUri string
param metaVerifyTokenUri string
@description('Key Vault secret URI of each MediaNode\'s events key: [{ nodeId, uri }].')
param mediaNodeKeyUris array
param callbackSigningSecretUri string
@description('Azure Web PubSub endpoint the console publishes to (webpubsub.bicep).')
param webPubSubEndpoint string
@description('Entra app (client id) for App Service authentication of the agent console; empty: authentication is not configured and console routes refuse every request.')
param consoleAuthClientId string = ''

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

var keyVaultReference = '@Microsoft.KeyVault(SecretUri={0})'

var baseSettings = {
  // Host storage (AzureWebJobsStorage) by identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Meta (webhook verification and signature); secrets via Key Vault.
  Meta__DefaultPhoneNumberId: metaDefaultPhoneNumberId
  Meta__VerifyToken: format(keyVaultReference, metaVerifyTokenUri)
  Meta__AppSecret: format(keyVaultReference, metaAppSecretUri)
  WhatsAppGraph__AccessToken: format(keyVaultReference, graphAccessTokenUri)
  WhatsAppGraph__BaseUrl: 'https://graph.facebook.com/'
  WhatsAppGraph__GraphVersion: graphApiVersion
  Callbacks__SigningSecret: format(keyVaultReference, callbackSigningSecretUri)
  // Command transport to the MediaNodes: Service Bus by identity (Transport:FullyQualifiedNamespace).
  Transport__Kind: 'ServiceBus'
  Transport__FullyQualifiedNamespace: serviceBusNamespace
  // One identity-based TableServiceClient serves every table (calls, permissions, callbacks, dials).
  Storage__ServiceUri: tableEndpoint
  CallStore__TablePrefix: 'Calls'
  // Recording links: user-delegation SAS from this identity (Storage Blob Delegator + Data Contributor, rbac.bicep).
  Recordings__ServiceUri: recordingsBlobEndpoint
  // Dead-node failover: heartbeat rows in the media account (Table Data Contributor on that table, rbac.bicep).
  NodeWatch__TableServiceUri: nodesTableEndpoint
  Permissions__TablePrefix: 'Perm'
  Callbacks__TablePrefix: 'Cb'
  Dials__TablePrefix: 'Dial'
  Analytics__TablePrefix: 'Analytics'
  // Callback URLs must be public HTTPS in Azure (SSRF guard).
  Callbacks__AllowLoopback: 'false'
  Calls__AnswerWindow: '00:00:45'
  Calls__AcceptAfterOutboundAnswer: 'false'
  Calls__HeldWebhookWindow: '00:01:00'
  CallingSettings__OutsideHours: 'Reject'
  CallingSettings__SettingsCacheTtl: '00:01:00'
  Dials__MaxDialsPerSecond: string(maxDialsPerSecond)
  Dials__Burst: string(dialBurst)
  // Work due later rides Storage queues with visibility delays (pay-per-use: no timer polls for it). The triggers and the
  // app's sender use this identity connection (Storage Queue Data Contributor on the account, rbac.bicep); the names
  // are the queues storage.bicep creates.
  WorkQueues__queueServiceUri: queueEndpoint
  WorkQueues__credential: 'managedidentity'
  WorkQueues__clientId: identityClientId
  WorkQueues__CallDeadlinesQueue: 'call-deadlines'
  WorkQueues__NodeWatchQueue: 'node-watch'
  WorkQueues__CallbacksQueue: 'callbacks-due'
  WorkQueues__DialsQueue: 'dials-due'
  WorkQueues__AnalyticsBackfillQueue: 'analytics-backfill'
  // Personal data older than this goes daily (Privacy/): the schedule must be set, the timer reads it at start.
  Retention__Days: '90'
  Retention__Schedule: '0 30 3 * * *'
  // Audio plans are checked at dial time against the same prompt sources the nodes allow.
  Prompts__ContainerUrl: promptsContainerUrl
  // Agent console: Web PubSub by identity (no access key); tables in the same account.
  Console__WebPubSub__Endpoint: webPubSubEndpoint
  Console__TablePrefix: 'Console'
  Console__AgentRole: 'CallAgent'
}

// Meta__PhoneNumberIds__0..n: the configuration binder reads an array from indexed keys.
var phoneNumberSettings = toObject(range(0, length(metaPhoneNumberIds)), i => 'Meta__PhoneNumberIds__${i}', i => metaPhoneNumberIds[i])

// CallingSettings__Numbers__{id}__InboundPlan: each number's inbound plan as JSON text.
var inboundPlanSettings = toObject(items(inboundPlans), p => 'CallingSettings__Numbers__${p.key}__InboundPlan', p => string(p.value))
// MediaEvents__NodeKeys__{nodeId}: each node's own events key, a Key Vault reference per node.
var nodeKeySettings = toObject(mediaNodeKeyUris, k => 'MediaEvents__NodeKeys__${k.nodeId}', k => format(keyVaultReference, k.uri))

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // Flex Consumption keeps this many instances of the `http` group warm (billed while idle): a webhook after
        // idle then skips the 1-2.7 s cold start. Omitted at 0 (pure pay-per-use).
        alwaysReady: alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttp }] : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: union(baseSettings, phoneNumberSettings, inboundPlanSettings, nodeKeySettings)
}

// The plan has metrics only; the app's FunctionAppLogs go to the workspace too.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource planDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: plan
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

// App Service authentication for the console: sign-in is offered, never forced, so the webhook, media events and
// key-protected API stay reachable; the console's own routes refuse requests without a signed-in agent (app role
// CallAgent). App Service then sets WEBSITE_AUTH_ENABLED and strips client-sent X-MS-CLIENT-PRINCIPAL headers.
resource auth 'Microsoft.Web/sites/config@2025-03-01' = if (!empty(consoleAuthClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: consoleAuthClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
