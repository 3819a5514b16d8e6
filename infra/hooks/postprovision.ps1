# azd postprovision hook (Windows, PowerShell 7; postprovision.sh is the same for POSIX shells): readies the
# MediaNodes after `azd provision`.
#  1. Builds the MediaNode image in the deployment's registry (az acr build, no local Docker needed) when
#     MEDIANODE_IMAGE is unset or the source changed, and sets MEDIANODE_IMAGE.
#  2. After the container groups exist, records their public IPs in MEDIANODE_PUBLIC_ADDRESSES (a node announces the
#     IP Meta reaches, and ACI assigns it only at creation).
# It never provisions itself: when either value changed it says so, and one more `azd provision` rolls the nodes out.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$changed = $false
$registry = $env:AZURE_CONTAINER_REGISTRY_NAME
if (-not $registry) { throw 'AZURE_CONTAINER_REGISTRY_NAME is not set: run azd provision first.' }
$tag = git rev-parse --short HEAD 2>$null
if ($LASTEXITCODE -ne 0 -or -not $tag) { $tag = Get-Date -Format 'yyyyMMddHHmmss' }
$image = "$($env:AZURE_CONTAINER_REGISTRY_ENDPOINT)/medianode:$tag"

if ($env:MEDIANODE_IMAGE -ne $image) {
    Write-Host "postprovision: building $image in $registry"
    az acr build --registry $registry --image "medianode:$tag" --file src/MediaNode/Dockerfile . | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'az acr build failed.' }
    azd env set MEDIANODE_IMAGE $image
    $changed = $true
}

$ips = azd env get-value MEDIANODE_PUBLIC_IPS 2>$null
if ($LASTEXITCODE -ne 0 -or -not $ips) { $ips = '[]' }
$current = if ($env:MEDIANODE_PUBLIC_ADDRESSES) { $env:MEDIANODE_PUBLIC_ADDRESSES } else { '[]' }
if ($ips -ne '[]' -and -not $ips.Contains('""') -and $ips -ne $current) {
    Write-Host "postprovision: MediaNode public IPs $ips"
    azd env set MEDIANODE_PUBLIC_ADDRESSES $ips
    $changed = $true
}

if ($changed) {
    Write-Host "postprovision: MediaNode image or addresses changed; run 'azd provision' once more to roll the nodes out."
}
