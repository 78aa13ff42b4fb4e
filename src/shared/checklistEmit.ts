/** Emit targets as the UI names them (the core's `EMIT_TARGETS` plus `all`), with button labels. */
export type EmitTargetId = 'docker' | 'triton' | 'kserve' | 'k8s' | 'prometheus' | 'k6' | 'all';

export const EMIT_TARGET_LABELS: Record<EmitTargetId, string> = {
  docker: 'Generate Dockerfile + server',
  triton: 'Generate Triton config',
  kserve: 'Generate KServe InferenceService',
  k8s: 'Generate Kubernetes manifests',
  prometheus: 'Generate alert rules',
  k6: 'Generate k6 load test',
  all: 'Generate everything',
};
