/**
 * What the UI needs of the page it runs in, as a port (`model.shell`):
 * reloading, printing, the clipboard, downloads, the camera and the hash
 * route. Implemented by boot/browser.ts; ui/ touches no browser global.
 */
import type { ReadonlyObservable } from '../lib/observable';

export interface Camera {
  /** False where the browser offers no camera to this page. */
  readonly available: boolean;
  /** The rear camera's video (rejects when the user or the browser refuses). */
  open(): Promise<MediaStream>;
}

export interface ShellControls {
  /** Opens the app again (a joined or restored account takes effect on open). */
  reload(): void;
  /** After a wipe: back to the first screen, opened again. */
  restart(): void;
  /** Prints the page with `bodyClass` on <body> (the stylesheet hides the rest). */
  print(bodyClass: string): void;
  /** Puts `text` on the clipboard; false when the browser refuses. */
  copy(text: string): Promise<boolean>;
  /** Offers `text` as a file download (no network involved). */
  download(filename: string, mime: string, text: string): void;
  readonly camera: Camera;
  /** The URL hash without `#/` ('today', 'settings', …), kept so reload and back keep their place. */
  readonly route: ReadonlyObservable<string>;
}
