/**
 * Entry of the profile results webview (`dist/webview/profile.js`): renders host messages and says
 * `webview/ready` once listening. Holds no result of its own: the host re-posts after each `webview/ready`.
 */
import { isProfileHostToWebview, type ProfileHostToWebview, type ProfileWebviewToHost } from '../../src/shared/profileProtocol';
import { render, renderError, renderRunning } from './render';

const root = document.getElementById('app');
if (!root) throw new Error('profile webview: #app is missing from the page');
const app: HTMLElement = root;
const api = acquireVsCodeApi();
const post = (m: ProfileWebviewToHost): void => api.postMessage(m);
const options = { onRerun: () => post({ type: 'profile/rerun' }), onOpenBaseline: () => post({ type: 'profile/openBaseline' }) };

function handle(message: ProfileHostToWebview): void {
  switch (message.type) {
    case 'profile/running':
      renderRunning(app, message.file, message.message, message);
      break;
    case 'profile/show':
      render(app, message.file, message.result, options);
      break;
    case 'profile/error':
      renderError(app, message.file, message.kind, message.message, options);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isProfileHostToWebview(event.data)) return;
  try {
    handle(event.data);
  } catch (ex) {
    renderError(app, event.data.file, 'internal', `The results view could not render this profile: ${ex instanceof Error ? ex.message : String(ex)}`);
  }
});
post({ type: 'webview/ready' });
