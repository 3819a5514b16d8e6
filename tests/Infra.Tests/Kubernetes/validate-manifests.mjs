// Validates rendered Kubernetes manifests offline against the API schemas: kubernetes-models (core, apps, policy)
// and @kubernetes-models/keda (ScaledObject, TriggerAuthentication). Usage: node validate-manifests.mjs <file.yaml>
// Prints one JSON line { valid, documents: [{apiVersion, kind, name}], errors: [..], objects: [the parsed documents] };
// exit 1 when anything is invalid.
// The CSI driver's SecretProviderClass has no model package: it gets the shape check below (apiVersion, provider,
// the objects list), stated as such in the output.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Namespace, ServiceAccount, ConfigMap, Service } from "kubernetes-models/v1";
import { StatefulSet } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";

const models = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/StatefulSet": StatefulSet,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
};

function checkSecretProviderClass(doc) {
  const problems = [];
  const spec = doc.spec ?? {};
  if (spec.provider !== "azure") problems.push("spec.provider must be 'azure'");
  const p = spec.parameters ?? {};
  for (const key of ["clientID", "tenantId", "keyvaultName", "objects"]) {
    if (typeof p[key] !== "string" || p[key].length === 0) problems.push(`spec.parameters.${key} must be a non-empty string`);
  }
  if (typeof p.objects === "string") {
    const objects = parseAllDocuments(p.objects)[0]?.toJSON()?.array;
    if (!Array.isArray(objects) || objects.length === 0) problems.push("spec.parameters.objects must hold a non-empty 'array'");
    else for (const o of objects) {
      const item = parseAllDocuments(String(o))[0]?.toJSON();
      if (!item?.objectName || item.objectType !== "secret") problems.push(`object ${JSON.stringify(o)} needs objectName and objectType secret`);
    }
  }
  return problems;
}

const file = process.argv[2];
const result = { valid: true, documents: [], errors: [], shapeCheckedOnly: [], objects: [] };
try {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const parsed of docs) {
    if (parsed.errors.length > 0) {
      result.errors.push(`YAML: ${parsed.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const doc = parsed.toJSON();
    if (doc === null || doc === undefined) continue;
    const key = `${doc.apiVersion}/${doc.kind}`;
    const name = doc.metadata?.name;
    result.documents.push({ apiVersion: doc.apiVersion, kind: doc.kind, name });
    result.objects.push(doc);
    if (key === "secrets-store.csi.x-k8s.io/v1/SecretProviderClass") {
      result.shapeCheckedOnly.push(name);
      for (const problem of checkSecretProviderClass(doc)) result.errors.push(`${key} ${name}: ${problem}`);
      continue;
    }
    const Model = models[key];
    if (!Model) {
      result.errors.push(`${key} ${name}: no schema to validate it against`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      result.errors.push(`${key} ${name}: ${e.message}`);
    }
  }
} catch (e) {
  result.errors.push(String(e?.message ?? e));
}
result.valid = result.errors.length === 0 && result.documents.length > 0;
console.log(JSON.stringify(result));
process.exit(result.valid ? 0 : 1);
