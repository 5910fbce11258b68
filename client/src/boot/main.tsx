/**
 * The page's entry (index.html): the browser wired in, then the app opened and shown.
 *
 * This chunk is the page's first load: React, the shell and onboarding. The app itself
 * (compose.ts and all it builds: Automerge and its WASM, the crypto core, the storage
 * worker) is a chunk of its own, fetched at once but not waited for on a first visit,
 * where onboarding shows while it loads (ui/Boot.tsx, first-visit.ts, pending-model.ts).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Boot } from '../ui/Boot';
import { InsecureContext } from '../ui/InsecureContext';
import '../ui/styles.css';
import automergeWasmUrl from '@automerge/automerge/automerge.wasm?url';
import type { AppModel } from '../app/model';
import { browserPage } from './browser';
import { isFirstVisit } from './first-visit';
import { pendingModel } from './pending-model';
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
  let opening: Promise<AppModel> | undefined;
  const open = (): Promise<AppModel> => {
    // Automerge's WASM (the largest file) is asked for with the app's code, not after it.
    const wasm = fetch(automergeWasmUrl);
    // Its failure is the app's to report (initAutomerge), not an unhandled rejection here.
    wasm.catch(() => undefined);
    return import('./compose')
      .then(({ openApp }) => openApp(page, wasm))
      .finally(registerServiceWorker);
  };
  const openOnce = () => (opening ??= open());
  // Both started before the first render: the network and the storage reads go on while
  // React draws the page.
  void openOnce().catch(() => undefined);
  // A few milliseconds, read before the first render so that it draws the right screen.
  void isFirstVisit().then((firstVisit) =>
    createRoot(root).render(
      <StrictMode>
        <Boot
          open={openOnce}
          firstVisit={firstVisit}
          pending={(opening, onWait) =>
            pendingModel({ opening, shell: page.shell, defaultRelayUrl: page.origin, onWait })
          }
          reload={page.shell.reload}
        />
      </StrictMode>,
    ),
  );
}
