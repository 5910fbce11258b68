/**
 * Shown instead of the app when the page is not a secure context (plain HTTP
 * on an address other than this computer's own): the browser then withholds
 * OPFS, the service worker and WebCrypto, so Cairn cannot open its storage.
 * The screen says so, and how to reach Cairn properly. boot/main.tsx decides,
 * from `window.isSecureContext`, before anything is opened.
 */
export function InsecureContext(props: {
  /** The origin the page was opened at, e.g. `http://192.168.1.20:8080`. */
  address: string;
  /** The same server on this computer's own address, e.g. `http://localhost:8080/`. */
  localAddress: string;
}) {
  return (
    <main className="boot">
      <section className="card stack insecure" aria-labelledby="insecure-title">
        <h1 id="insecure-title">Cairn needs a secure connection</h1>
        <p>
          This page was opened at <strong className="address">{props.address}</strong>, over plain
          HTTP. Browsers give the storage, offline copy and encryption keys that Cairn needs only to
          pages opened over HTTPS or on the computer itself, so Cairn cannot start here. Nothing was
          stored or changed.
        </p>
        <h2>To open Cairn</h2>
        <ul>
          <li>
            <strong>From a phone or another computer:</strong> serve Cairn over HTTPS, with a
            certificate (<code>RELAY_TLS_CERT</code> and <code>RELAY_TLS_KEY</code>) or behind a
            reverse proxy such as Caddy. Cairn’s README shows both, under “Reaching Cairn from a
            phone”.
          </li>
          <li>
            <strong>On the computer that runs Cairn:</strong> open{' '}
            <a className="address" href={props.localAddress}>
              {props.localAddress}
            </a>
            .
          </li>
        </ul>
      </section>
    </main>
  );
}
