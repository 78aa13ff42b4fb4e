/**
 * Entry of the data drift webview (`dist/webview/drift.js`): renders host messages, keeps only UI state
 * (sort, selected column, chart kind) in `setState`, and says `webview/ready` once listening.
 */
import type { DriftReport } from '../../src/shared/drift';
import { isDriftHostToWebviewMessage, type DriftHostToWebviewMessage } from '../../src/shared/driftProtocol';
import { connectHost, type DriftViewState } from './host';
import { renderError, renderLoading, renderProgress, renderReport } from './render';

const root = document.getElementById('app');
if (!root) throw new Error('drift webview: #app is missing from the page');
const app: HTMLElement = root;
const host = connectHost();
let state: DriftViewState = host.getState() ?? { __v: 1, sortKey: 'drift', sortDir: 'desc', chart: 'histogram' };

const actions = {
  openFile: (side: 'reference' | 'current') => host.postMessage({ type: 'drift/openFile', side }),
  rerun: () => host.postMessage({ type: 'drift/rerun' }),
  exportHtml: () => host.postMessage({ type: 'drift/exportHtml' }),
  stateChanged: (next: DriftViewState) => {
    state = next;
    host.setState(next);
  },
};

function show(report: DriftReport): void {
  renderReport(app, report, state, actions);
}

function handle(message: DriftHostToWebviewMessage): void {
  switch (message.type) {
    case 'drift/loading':
      renderLoading(app, message.reference, message.current);
      break;
    case 'drift/progress':
      renderProgress(app, message.message);
      break;
    case 'drift/show':
      show(message.report);
      break;
    case 'drift/error':
      renderError(app, message.reason, message.message, actions.rerun);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isDriftHostToWebviewMessage(event.data)) return;
  try {
    handle(event.data);
  } catch (ex) {
    renderError(app, 'internal', `The drift report could not be rendered: ${ex instanceof Error ? ex.message : String(ex)}`, actions.rerun);
  }
});
host.postMessage({ type: 'webview/ready' });
