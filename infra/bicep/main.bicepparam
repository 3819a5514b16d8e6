// Parameters for `azd up` / `azd provision` (azd reads main.bicepparam) and for
// `az deployment group create -f main.bicep -p main.bicepparam`. Every value comes from the environment (the azd
// environment's .env): no secret is stored here. Typed conversions keep int/array parameters typed.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param metaPhoneNumberIds = split(readEnvironmentVariable('META_PHONE_NUMBER_IDS', readEnvironmentVariable('META_PHONE_NUMBER_ID')), ',')
param metaDefaultPhoneNumberId = readEnvironmentVariable('META_PHONE_NUMBER_ID')

param graphAccessToken = readEnvironmentVariable('WHATSAPP_GRAPH_ACCESS_TOKEN')
param metaAppSecret = readEnvironmentVariable('META_APP_SECRET')
param metaVerifyToken = readEnvironmentVariable('META_VERIFY_TOKEN')
param mediaEventsSecret = readEnvironmentVariable('MEDIA_EVENTS_SECRET')
param callbackSigningSecret = readEnvironmentVariable('CALLBACK_SIGNING_SECRET')

param mediaNodeCount = int(readEnvironmentVariable('MEDIANODE_COUNT', '1'))
param mediaNodeImage = readEnvironmentVariable('MEDIANODE_IMAGE', '')
param mediaNodePublicAddresses = json(readEnvironmentVariable('MEDIANODE_PUBLIC_ADDRESSES', '[]'))
param recordingsRetentionDays = int(readEnvironmentVariable('RECORDINGS_RETENTION_DAYS', '30'))
param keyVaultSoftDeleteRetentionDays = int(readEnvironmentVariable('KEYVAULT_SOFT_DELETE_RETENTION_DAYS', '90'))
param keyVaultPurgeProtection = bool(readEnvironmentVariable('KEYVAULT_PURGE_PROTECTION', 'true'))

param mediaHosting = readEnvironmentVariable('MEDIA_HOSTING', 'aci')
param aksMinMediaNodes = int(readEnvironmentVariable('AKS_MIN_MEDIANODES', '2'))
param aksMaxMediaNodes = int(readEnvironmentVariable('AKS_MAX_MEDIANODES', '10'))
param aksMediaVmSize = readEnvironmentVariable('AKS_MEDIA_VM_SIZE', 'Standard_F4s_v2')
param functionsAlwaysReadyHttp = int(readEnvironmentVariable('FUNCTIONS_ALWAYS_READY_HTTP', '0'))
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
param openAiAccountName = readEnvironmentVariable('AZURE_OPENAI_ACCOUNT', '')
param openAiResourceGroup = readEnvironmentVariable('AZURE_OPENAI_RESOURCE_GROUP', '')
param streamKeys = json(readEnvironmentVariable('STREAM_KEYS', '{}'))
