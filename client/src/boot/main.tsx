/** The page's entry (index.html): the browser wired in, then the app opened and shown. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Boot } from '../ui/Boot';
import '../ui/styles.css';
import { browserPage } from './browser';
import { openApp } from './compose';
import { registerServiceWorker } from './service-worker';

registerServiceWorker();

const page = browserPage();
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <Boot open={() => openApp(page)} reload={page.shell.reload} />
    </StrictMode>,
  );
}
