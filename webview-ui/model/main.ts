/**
 * Entry of the model inspector webview (`dist/webview/model.js`): listens for host messages, renders them, and
 * says `webview/ready` once listening. Holds no model state of its own: VS Code re-creates the page when the
 * tab is shown again and the host re-posts the model after the next `webview/ready`.
 */
import { isHostToWebviewMessage, type HostToWebviewMessage } from '../../src/shared/protocol';
import { connectHost } from './host';
import { render, renderError, renderLoading } from './render';

const root = document.getElementById('app');
if (!root) throw new Error('model webview: #app is missing from the page');
const app: HTMLElement = root;
const host = connectHost();
const onReveal = (): void => host.postMessage({ type: 'model/reveal' });

function handle(message: HostToWebviewMessage): void {
  switch (message.type) {
    case 'model/loading':
      renderLoading(app, message.file);
      break;
    case 'model/show':
      render(app, message.inspection, { onReveal });
      break;
    case 'model/error':
      renderError(app, message);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebviewMessage(event.data)) return;
  try {
    handle(event.data);
  } catch (ex) {
    // A malformed payload must not leave a blank page.
    const file = event.data.type === 'model/show' ? String(event.data.inspection.file.path ?? '') : event.data.file;
    renderError(app, { file, reason: 'internal', message: `The inspector could not render this model: ${ex instanceof Error ? ex.message : String(ex)}` });
  }
});
host.postMessage({ type: 'webview/ready' });
