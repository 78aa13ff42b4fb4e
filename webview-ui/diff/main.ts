/**
 * Entry of the Compare Models webview (`dist/webview/diff.js`): renders host messages and says `webview/ready`
 * once listening. It keeps no state: the host posts the diff again whenever the page is re-created.
 */
import { isDiffHostToWebviewMessage, type DiffHostToWebviewMessage } from '../../src/shared/diffProtocol';
import { connectHost } from './host';
import { renderDiff, renderError, renderLoading } from './render';

const root = document.getElementById('app');
if (!root) throw new Error('diff webview: #app is missing from the page');
const app: HTMLElement = root;
const host = connectHost();
const actions = {
  open: (side: 'old' | 'new') => host.postMessage({ type: 'diff/openModel', side }),
  rerun: () => host.postMessage({ type: 'diff/rerun' }),
};

function handle(message: DiffHostToWebviewMessage): void {
  switch (message.type) {
    case 'diff/loading':
      renderLoading(app, message.old, message.new);
      break;
    case 'diff/show':
      renderDiff(app, message.diff, actions);
      break;
    case 'diff/error':
      renderError(app, message.reason, message.message, actions.rerun);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isDiffHostToWebviewMessage(event.data)) return;
  try {
    handle(event.data);
  } catch (ex) {
    renderError(app, 'internal', `The comparison could not be rendered: ${ex instanceof Error ? ex.message : String(ex)}`, actions.rerun);
  }
});
host.postMessage({ type: 'webview/ready' });
