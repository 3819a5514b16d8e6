// The AKS option of mediaHosting (main.bicep): a cluster whose `media` pool gives every VM its own public IP, so a
// MediaNode pod on host networking owns the VM's one media UDP port (infra/k8s). KEDA (the managed add-on) scales the
// pods, the cluster autoscaler adds and removes the VMs they need. Workload identity: the pods' ServiceAccount and
// KEDA's operator each get a federated credential on a user-assigned identity; no secret is handed to the cluster.
param location string
param tags object
param name string
@description('Log Analytics workspace (resource id): Container Insights (ContainerLogV2: the nodes\' stdout) and the control plane\'s diagnostic settings.')
param logAnalyticsWorkspaceId string
@description('The MediaNodes\' identity (one for the fleet: a StatefulSet\'s pods share a ServiceAccount).')
param mediaIdentityName string
@description('Identity KEDA\'s operator uses for its scalers (Service Bus queue length, Log Analytics query).')
param kedaIdentityName string
@description('Namespace and ServiceAccount of the MediaNode pods (infra/k8s/medianode.yaml).')
param podNamespace string
param podServiceAccount string
param systemVmSize string
param mediaVmSize string
@minValue(1)
param minMediaVms int
@minValue(1)
param maxMediaVms int
@description('The one media UDP port the pool\'s network security group opens on the VMs\' public IPs.')
param udpPort int

resource mediaIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: mediaIdentityName
  location: location
  tags: tags
}

resource kedaIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: kedaIdentityName
  location: location
  tags: tags
}

resource cluster 'Microsoft.ContainerService/managedClusters@2025-10-01' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  sku: { name: 'Base', tier: 'Standard' }
  properties: {
    dnsPrefix: name
    enableRBAC: true
    // Entra ID sign-in with Azure RBAC only: no static admin kubeconfig exists to leak.
    disableLocalAccounts: true
    aadProfile: { managed: true, enableAzureRBAC: true }
    oidcIssuerProfile: { enabled: true }
    securityProfile: { workloadIdentity: { enabled: true } }
    workloadAutoScalerProfile: { keda: { enabled: true } }
    addonProfiles: {
      // Container Insights with Entra ID auth: pod logs and node metrics to the deployment's workspace.
      omsagent: {
        enabled: true
        config: { logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId, useAADAuth: 'true' }
      }
      // Secrets Store CSI driver: each pod mounts its own node key from Key Vault (infra/k8s SecretProviderClass).
      azureKeyvaultSecretsProvider: { enabled: true }
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      loadBalancerSku: 'standard'
      outboundType: 'loadBalancer'
    }
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        osType: 'Linux'
        type: 'VirtualMachineScaleSets'
        vmSize: systemVmSize
        count: 2
      }
      {
        // One MediaNode per VM (pod anti-affinity in infra/k8s): the pod uses the VM's network, its public IP and
        // its one UDP port. Only pods that tolerate the taint land here.
        name: 'media'
        mode: 'User'
        osType: 'Linux'
        type: 'VirtualMachineScaleSets'
        vmSize: mediaVmSize
        enableAutoScaling: true
        minCount: minMediaVms
        maxCount: maxMediaVms
        count: minMediaVms
        enableNodePublicIP: true
        nodeLabels: { workload: 'medianode' }
        nodeTaints: ['workload=medianode:NoSchedule']
        // Opens the media port (only it) on the VMs' public IPs; the health port stays closed to the Internet.
        networkProfile: {
          allowedHostPorts: [
            { portStart: udpPort, portEnd: udpPort, protocol: 'UDP' }
          ]
        }
        // An upgrade adds one VM before draining one, so capacity never drops by more than a node.
        upgradeSettings: { maxSurge: '1' }
      }
    ]
  }
}

resource mediaFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = {
  parent: mediaIdentity
  name: 'aks-medianode'
  properties: {
    issuer: cluster.properties.oidcIssuerProfile.issuerURL
    subject: 'system:serviceaccount:${podNamespace}:${podServiceAccount}'
    audiences: ['api://AzureADTokenExchange']
  }
}

// The managed KEDA add-on runs its operator as kube-system/keda-operator; TriggerAuthentication (infra/k8s) names
// this identity's client id, so the scalers authenticate as it, not as the nodes.
resource kedaFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = {
  parent: kedaIdentity
  name: 'aks-keda-operator'
  dependsOn: [mediaFederation] // one federated credential write at a time per identity resource group
  properties: {
    issuer: cluster.properties.oidcIssuerProfile.issuerURL
    subject: 'system:serviceaccount:kube-system:keda-operator'
    audiences: ['api://AzureADTokenExchange']
  }
}

// Control plane: writes to the API (kube-audit-admin, not the read-heavy full audit), the autoscaler's decisions, Entra sign-ins.
// categoryGroup needs this (the newest) version; the linter only knows GA 2016-09-01.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: cluster
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'kube-audit-admin', enabled: true }
      { category: 'cluster-autoscaler', enabled: true }
      { category: 'guard', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = cluster.name
output mediaIdentityId string = mediaIdentity.id
output mediaIdentityClientId string = mediaIdentity.properties.clientId
output mediaIdentityPrincipalId string = mediaIdentity.properties.principalId
output kedaIdentityClientId string = kedaIdentity.properties.clientId
output kedaIdentityPrincipalId string = kedaIdentity.properties.principalId
@description('Object id of the kubelet identity: it pulls the MediaNode image (AcrPull).')
output kubeletPrincipalId string = cluster.properties.identityProfile.kubeletidentity.objectId
