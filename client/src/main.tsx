import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openApp } from './app/open';
import { registerServiceWorker } from './app/service-worker';
import { Boot } from './ui/Boot';
import './ui/styles.css';

registerServiceWorker();

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <Boot open={() => openApp({ navigator })} />
    </StrictMode>,
  );
}
