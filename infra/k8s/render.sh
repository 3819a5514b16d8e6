#!/bin/bash
# Renders infra/k8s/medianode.template.yaml for one deployment (mediaHosting: aks) to stdout:
#   eval "$(azd env get-values)"; infra/k8s/render.sh > medianode.yaml; kubectl apply -f medianode.yaml
# Every value comes from the environment: the Bicep outputs of main.bicep (azd stores them under the same names)
# plus MEDIANODE_IMAGE and the optional tuning below. A missing value stops the render (nothing half-filled reaches
# the cluster). Only the listed names are substituted, so the start script's own $VARIABLES stay as they are.
set -euo pipefail

if ! command -v envsubst >/dev/null; then
  echo "render.sh: envsubst not found (Debian/Ubuntu: apt-get install gettext-base; macOS: brew install gettext)" >&2
  exit 2
fi

here="$(cd "$(dirname "$0")" && pwd)"
template="${MEDIANODE_TEMPLATE:-$here/medianode.template.yaml}"

required=(
  MEDIANODE_IMAGE AKS_MEDIANODE_CLIENT_ID AKS_KEDA_CLIENT_ID AZURE_TENANT_ID AZURE_KEY_VAULT_NAME
  SERVICEBUS_NAMESPACE SERVICEBUS_NEW_CALLS_QUEUE SERVICEBUS_NODE_QUEUE_PREFIX
  MEDIA_STORAGE_BLOB_ENDPOINT MEDIA_STORAGE_TABLE_ENDPOINT PROMPTS_CONTAINER_URL MEDIANODE_EVENTS_URL
  APPLICATIONINSIGHTS_CONNECTION_STRING LOG_ANALYTICS_WORKSPACE_ID
  MEDIANODE_MAX_CALLS MEDIANODE_UDP_PORT MEDIANODE_HEALTH_PORT AKS_MIN_MEDIANODES AKS_MAX_MEDIANODES
)
missing=()
for name in "${required[@]}"; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "render.sh: not set: ${missing[*]} (run after 'azd provision' with mediaHosting aks: eval \"\$(azd env get-values)\")" >&2
  exit 2
fi

# Tuning, with defaults (infra/README.md, capacity math).
export MEDIANODE_DRAIN_SECONDS="${MEDIANODE_DRAIN_SECONDS:-900}"
export MEDIANODE_CPU="${MEDIANODE_CPU:-3}"
export MEDIANODE_MEMORY="${MEDIANODE_MEMORY:-4Gi}"
export MEDIANODE_STUN_SERVER="${MEDIANODE_STUN_SERVER:-}"
# Scale out before a node is full: at 70 % of MaxCalls the rest is headroom for the minutes a new VM takes.
export TARGET_ACTIVE_CALLS_PER_NODE="${TARGET_ACTIVE_CALLS_PER_NODE:-$(( MEDIANODE_MAX_CALLS * 7 / 10 ))}"
export TARGET_QUEUE_PER_NODE="${TARGET_QUEUE_PER_NODE:-10}"

for number in MEDIANODE_DRAIN_SECONDS MEDIANODE_MAX_CALLS AKS_MIN_MEDIANODES AKS_MAX_MEDIANODES TARGET_ACTIVE_CALLS_PER_NODE TARGET_QUEUE_PER_NODE; do
  if ! [[ "${!number}" =~ ^[0-9]+$ ]] || [ "${!number}" -lt 1 ]; then
    echo "render.sh: $number must be a positive integer, is '${!number}'" >&2
    exit 2
  fi
done
if [ "$AKS_MIN_MEDIANODES" -gt "$AKS_MAX_MEDIANODES" ]; then
  echo "render.sh: AKS_MIN_MEDIANODES ($AKS_MIN_MEDIANODES) is above AKS_MAX_MEDIANODES ($AKS_MAX_MEDIANODES)" >&2
  exit 2
fi

# MediaNode:DrainTimeout as a TimeSpan; the grace period is the node's whole shutdown budget
# (HostOptions.ShutdownTimeout = DrainTimeout + EventPostTimeout (10 s) + 15 s, MediaNodeServiceCollectionExtensions)
# plus 5 s for the preStop hook to see the node exit.
export MEDIANODE_DRAIN_TIMEOUT="$(printf '%02d:%02d:%02d' $(( MEDIANODE_DRAIN_SECONDS / 3600 )) $(( MEDIANODE_DRAIN_SECONDS % 3600 / 60 )) $(( MEDIANODE_DRAIN_SECONDS % 60 )))"
export TERMINATION_GRACE_SECONDS="$(( MEDIANODE_DRAIN_SECONDS + 10 + 15 + 5 ))"
# KEDA's Service Bus scaler names the namespace without its DNS suffix.
export SERVICEBUS_NAME="${SERVICEBUS_NAMESPACE%%.*}"

# One Key Vault object per StatefulSet ordinal, aliased to the pod name (Bicep made media-node-key-medianode-{i}).
objects=""
for (( i = 0; i < AKS_MAX_MEDIANODES; i++ )); do
  objects+="        - |"$'\n'
  objects+="          objectName: media-node-key-medianode-$i"$'\n'
  objects+="          objectType: secret"$'\n'
  objects+="          objectAlias: medianode-$i"$'\n'
done
export NODE_KEY_OBJECTS="${objects%$'\n'}"

names=("${required[@]}" MEDIANODE_DRAIN_TIMEOUT MEDIANODE_CPU MEDIANODE_MEMORY MEDIANODE_STUN_SERVER
  TARGET_ACTIVE_CALLS_PER_NODE TARGET_QUEUE_PER_NODE TERMINATION_GRACE_SECONDS SERVICEBUS_NAME NODE_KEY_OBJECTS)
for name in "${names[@]}"; do export "${name?}"; done
shell_format="$(printf '${%s} ' "${names[@]}")"
envsubst "$shell_format" < "$template"
