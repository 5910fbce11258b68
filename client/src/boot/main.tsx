/** The page's entry (index.html): the browser wired in, then the app opened and shown. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Boot } from '../ui/Boot';
import { InsecureContext } from '../ui/InsecureContext';
import '../ui/styles.css';
import { browserPage } from './browser';
import { openApp } from './compose';
import { registerServiceWorker } from './service-worker';

const root = document.getElementById('root');
if (root !== null && !window.isSecureContext) {
  // Plain HTTP on an address other than this computer's: no OPFS, service worker or
  // WebCrypto. Say so, with the fix, rather than fail to open the storage.
  const local = new URL(window.location.href);
  local.hostname = 'localhost';
  createRoot(root).render(
    <StrictMode>
      <InsecureContext address={window.location.origin} localAddress={`${local.origin}/`} />
    </StrictMode>,
  );
} else if (root !== null) {
  const page = browserPage();
  // The service worker registers once the app is open (or has failed to), so that its
  // precaching does not compete with the first load for the network.
  let opening: ReturnType<typeof openApp> | undefined;
  const open = () => (opening ??= openApp(page).finally(registerServiceWorker));
  createRoot(root).render(
    <StrictMode>
      <Boot open={open} reload={page.shell.reload} />
    </StrictMode>,
  );
}
