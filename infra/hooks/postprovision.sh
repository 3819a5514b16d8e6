#!/bin/sh
# azd postprovision hook: brings the MediaNodes up after `azd provision`.
#  1. Builds the MediaNode image in the deployment's registry (az acr build, no local Docker needed) when
#     MEDIANODE_IMAGE is unset or SOURCE changed, and sets MEDIANODE_IMAGE.
#  2. After the container groups exist, records their public IPs in MEDIANODE_PUBLIC_ADDRESSES: a node must
#     announce the IP Meta reaches (MediaNode:PublicAddress), and ACI assigns it only at creation.
#  3. Re-provisions while either value changed (at most twice), so the nodes run the image with their own IP.
# An ACI group keeps its IP across restarts but not across re-creation; re-run `azd provision` after deleting one.
set -eu

depth=${MEDIANODE_HOOK_DEPTH:-0}
if [ "$depth" -ge 2 ]; then
  echo "postprovision: MediaNode settings still changing after two passes; stopping." >&2
  exit 0
fi

changed=0
registry=${AZURE_CONTAINER_REGISTRY_NAME:?run azd provision first}
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
  MEDIANODE_HOOK_DEPTH=$((depth + 1)) azd provision --no-prompt
fi
