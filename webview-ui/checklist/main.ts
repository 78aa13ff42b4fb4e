/**
 * Entry of the checklist webview (`dist/webview/checklist.js`): renders host messages, sends user actions
 * back, and says `webview/ready` once listening.
 */
import { isChecklistHostToWebview, type ChecklistHostToWebview } from '../../src/shared/checklistProtocol';
import { connectHost } from './host';
import { renderChecklist, renderMessage } from './render';

const root = document.getElementById('app');
if (!root) throw new Error('checklist webview: #app is missing from the page');
const app: HTMLElement = root;
const host = connectHost();
let last: Extract<ChecklistHostToWebview, { type: 'checklist/show' }> | undefined;

function handle(message: ChecklistHostToWebview): void {
  switch (message.type) {
    case 'checklist/loading':
      if (!last) renderMessage(app, 'loading', `Grading ${message.folder}…`);
      break;
    case 'checklist/error':
      renderMessage(app, 'error', `Cannot grade ${message.folder}: ${message.message}`);
      break;
    case 'checklist/show':
      last = message;
      renderChecklist(app, message, host);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isChecklistHostToWebview(event.data)) return;
  try {
    handle(event.data);
  } catch (ex) {
    renderMessage(app, 'error', `The checklist could not be rendered: ${ex instanceof Error ? ex.message : String(ex)}`);
  }
});
host.postMessage({ type: 'webview/ready' });
