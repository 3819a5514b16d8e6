#!/bin/sh
# azd postprovision hook (POSIX; postprovision.ps1 is the same for Windows): readies the MediaNodes after `azd provision`.
#  1. Builds the MediaNode image in the deployment's registry (az acr build, no local Docker needed) when
#     MEDIANODE_IMAGE is unset or SOURCE changed, and sets MEDIANODE_IMAGE.
#  2. After the container groups exist, records their public IPs in MEDIANODE_PUBLIC_ADDRESSES: a node must
#     announce the IP Meta reaches (MediaNode:PublicAddress), and ACI assigns it only at creation.
# It never provisions itself (a hook that runs `azd provision` re-enters this hook): when either value changed it
# says so, and one more `azd provision` rolls the nodes out with that image and their own IP. An ACI group keeps
# its IP across restarts but not across re-creation: after deleting one, run `azd provision` twice again.
set -eu

changed=0
registry=${AZURE_CONTAINER_REGISTRY_NAME:?'run azd provision first'}
tag=$(git rev-parse --short HEAD 2>/dev/null || date +%Y%m%d%H%M%S)
image="${AZURE_CONTAINER_REGISTRY_ENDPOINT}/medianode:${tag}"

if [ "${MEDIANODE_IMAGE:-}" != "$image" ]; then
  echo "postprovision: building $image in $registry"
  az acr build --registry "$registry" --image "medianode:${tag}" --file src/MediaNode/Dockerfile . >/dev/null
  azd env set MEDIANODE_IMAGE "$image"
  changed=1
fi

ips=$(azd env get-value MEDIANODE_PUBLIC_IPS 2>/dev/null || echo '[]')
if [ "$ips" != '[]' ] && ! echo "$ips" | grep -q '""' && [ "$ips" != "${MEDIANODE_PUBLIC_ADDRESSES:-[]}" ]; then
  echo "postprovision: MediaNode public IPs $ips"
  azd env set MEDIANODE_PUBLIC_ADDRESSES "$ips"
  changed=1
fi

if [ "$changed" -eq 1 ]; then
  echo "postprovision: MediaNode image or addresses changed; run 'azd provision' once more to roll the nodes out."
fi
