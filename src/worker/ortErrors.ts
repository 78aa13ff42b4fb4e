/**
 * ORT errors start with a source location and an assertion (`…/webgpu_context.cc:136 onnxruntime::…
 * adapter_result.status == … was false. Failed to get a WebGPU adapter: …`): keep the sentence for people.
 */
export function cleanOrtMessage(message: string): string {
  let s = message.split('\n')[0]!.replace(/^\S+\.(?:cc|cpp|h):\d+\s+/, '');
  const assertion = s.lastIndexOf(' was false. ');
  if (assertion >= 0) s = s.slice(assertion + ' was false. '.length);
  return s.trim().slice(0, 500);
}
