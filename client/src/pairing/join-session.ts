/**
 * Device B's pairing (a fresh install: "I already use Cairn on another
 * device"). Looks the offer up by SHA-256(code), answers it through the
 * pairing socket, shows the six digits once A reveals its nonce, and opens
 * the key envelope A sends after its user confirmed — and only once this
 * device's own user has confirmed the digits too.
 *
 *   looking-up → waiting (for A's reveal) → comparing (the six digits) →
 *   confirmed (this user said they match; waiting for the key) → saving → done;
 *   any stage → ended (with a message for the user)
 *
 * An envelope that arrives while the user is still comparing is held, not
 * opened: a relay that learnt the code could run its own session with this
 * device and send a key for its own account; its digits differ from those on
 * the other screen, and the user who compares says so. B also keeps the
 * offer's expiry itself (the relay's `expiresAt`, counted against the relay's
 * own clock, never more than 10 minutes) and gives up with a clear message
 * when it passes; after the reveal it waits at most one more offer lifetime.
 *
 * B never retries by itself: each attempt is a fresh guess at the digits for
 * whoever sits in the middle, so a retry starts from the user typing a code.
 * "They don't match" here sends `pair-abort`, which burns the code.
 */
import {
  PAIRING_LOOKUP_PATH,
  PAIRING_TTL_MS,
  PAIRING_PROTOCOL_VERSION,
  PairingError,
  PairingLookupResponse,
  abortPairing,
  acceptPairingOffer,
  confirmPairingSas,
  decodePairEnvelope,
  decodePairOffer,
  decodePairReveal,
  encodePairResponse,
  normalizePairingCode,
  openPairingEnvelope,
  pairingLookupKey,
  receivePairingReveal,
  toBase64,
  type JoinerComparing,
  type JoinerConfirmed,
  type JoinerWaiting,
  type PairEnvelope,
  type PairingDevice,
  type PairingErrorCode,
  type PairingQr,
} from '@cairn/shared';
import * as v from 'valibot';
import type { SocketFactory } from '../lib/platform';
import { normaliseRelayUrl } from '../device/relay-address';
import { PairingChannel, pairingSocketUrl } from './channel';
import { Observable } from '../lib/observable';

export type JoinView =
  | { readonly stage: 'looking-up' }
  | { readonly stage: 'waiting' }
  | { readonly stage: 'comparing'; readonly sas: string }
  | { readonly stage: 'confirmed'; readonly sas: string }
  | { readonly stage: 'saving'; readonly sas: string }
  | { readonly stage: 'done'; readonly sas: string }
  | { readonly stage: 'ended'; readonly message: string };

/** The part of `fetch` the lookup uses (the global fetch fits). */
export type LookupFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** What the caller does with the key: store it, then switch this device to the account. */
export type AdoptAccount = (joined: {
  kMaster: Uint8Array;
  accountId: string;
  relayUrl: string;
}) => Promise<{ ok: true } | { ok: false; message: string }>;

export interface JoinContext {
  /** The relay the code was made on: the QR's, or this page's for a typed code. */
  relayUrl: string;
  /** This device: id, public keys and the label the user chose. */
  device: PairingDevice;
  fetch: LookupFetch;
  connect: SocketFactory;
  adopt: AdoptAccount;
  /** This device's clock (tests move it); timers for the expiry. */
  now?: () => number;
  setTimer?: (f: () => void, ms: number) => () => void;
}

const REFUSED: Partial<Record<PairingErrorCode, string>> = {
  'not-found':
    'No device is offering this code. Check the code, or start again on your other device.',
  expired: 'This code has expired. On your other device, start again to get a new one.',
  used: 'This code has already been used. On your other device, start again to get a new one.',
  burned: 'This code was cancelled. On your other device, start again to get a new one.',
};

const ABORTED = {
  mismatch: 'Your other device says the digits do not match, so nothing was shared.',
  tampered:
    'Your other device could not confirm this one, so nothing was shared. Start again on both devices.',
  expired: 'The code expired before pairing finished. Start again on your other device.',
  cancelled: 'Pairing was cancelled on your other device. Nothing was shared.',
} as const;

export const EXPIRED_MESSAGE =
  'The code expired before pairing finished. Nothing was shared. Start again on your other device.';

export const TAMPERED_MESSAGE =
  'This code does not match what your other device offered, so nothing was shared. ' +
  'Check the code, or start again on your other device.';

const defaultTimer = (f: () => void, ms: number): (() => void) => {
  const t = setTimeout(f, ms);
  return () => clearTimeout(t);
};

export class JoinSession {
  /** The session as the UI sees it (useSyncExternalStore: same object until it changes). */
  private readonly view = new Observable<JoinView>({ stage: 'looking-up' });
  readonly get = (): JoinView => this.view.get();
  readonly subscribe = (listener: () => void): (() => void) => this.view.subscribe(listener);

  private channel: PairingChannel | undefined;
  private state: JoinerWaiting | JoinerComparing | JoinerConfirmed | undefined;
  /** An envelope that came before this user confirmed: held, not opened. */
  private held: PairEnvelope | undefined;
  private relayUrl = '';
  private cancelTimer: (() => void) | undefined;
  private readonly now: () => number;
  private readonly setTimer: (f: () => void, ms: number) => () => void;

  constructor(private readonly ctx: JoinContext) {
    this.now = ctx.now ?? Date.now;
    this.setTimer = ctx.setTimer ?? defaultTimer;
  }

  /** Gives up `ms` from now with `message` (replacing any earlier deadline). */
  private deadline(ms: number, message: string): void {
    this.cancelTimer?.();
    this.cancelTimer = this.setTimer(
      () => {
        if (this.view.get().stage === 'saving' || this.view.get().stage === 'done') return;
        this.channel?.send({ type: 'pair-abort', v: 1, reason: 'expired' });
        this.end(message);
      },
      Math.max(0, ms),
    );
  }

  /** Runs the pairing until it ends; never rejects. */
  async run(secret: { code: string } | { qr: PairingQr }): Promise<void> {
    const code = normalizePairingCode('qr' in secret ? secret.qr.code : secret.code);
    if (!code.ok) {
      return this.end('A code is 12 letters and digits, shown like ABCD-EFGH-JKMN.');
    }
    const relayUrl = normaliseRelayUrl(this.ctx.relayUrl);
    const socketUrl = pairingSocketUrl(this.ctx.relayUrl);
    if (relayUrl === undefined || socketUrl === undefined) {
      return this.end('The relay address is not valid.');
    }
    this.relayUrl = relayUrl;
    const lookupKey = toBase64(pairingLookupKey(code.value));
    const found = await this.lookup(relayUrl, lookupKey);
    if (found === undefined) return;
    // The time left, by the relay's own clock when it has one (no skew), and
    // never more than an offer may live: a relay cannot keep B waiting for ever.
    const left = Math.min(PAIRING_TTL_MS, found.expiresAt - (found.now ?? this.now()));
    if (left <= 0) return this.end(EXPIRED_MESSAGE);
    this.deadline(left, EXPIRED_MESSAGE);
    const offer = decodePairOffer(found.offer);
    if (!offer.ok) return this.end('The relay sent an offer that is not valid.');
    const accepted = acceptPairingOffer(
      offer.value,
      'qr' in secret ? { qr: secret.qr } : { code: code.value },
      this.ctx.device,
    );
    if (!accepted.ok) {
      return this.end(
        accepted.error.code === 'pairing-tampered'
          ? TAMPERED_MESSAGE
          : `Pairing failed: ${accepted.error.message}`,
      );
    }
    this.state = accepted.value.state;
    const channel = new PairingChannel(socketUrl, this.ctx.connect);
    this.channel = channel;
    const hello = await channel.next();
    if (hello.kind !== 'frame' || hello.frame.type !== 'pairing-hello') {
      return this.end('The relay could not be reached. Check the connection and try again.');
    }
    channel.send({
      type: 'pairing-join',
      v: PAIRING_PROTOCOL_VERSION,
      lookupKey,
      response: encodePairResponse(accepted.value.response),
    });
    this.view.set({ stage: 'waiting' });

    for (;;) {
      const e = await channel.next();
      if (e.kind !== 'frame') {
        // The key came and this user had not answered yet: the close is expected.
        if (this.held !== undefined && this.view.get().stage === 'comparing') return;
        return this.end('The connection to the relay was lost before pairing finished.');
      }
      const f = e.frame;
      switch (f.type) {
        case 'pair-reveal': {
          const state = this.state;
          const reveal = decodePairReveal(f);
          if (state?.stage !== 'waiting' || !reveal.ok) break;
          const compared = receivePairingReveal(state, reveal.value);
          if (!compared.ok) {
            channel.send({ type: 'pair-abort', v: 1, reason: 'tampered' });
            return this.end(TAMPERED_MESSAGE);
          }
          this.state = compared.value.state;
          // The digits are up: the relay gives A one more offer lifetime to finish.
          this.deadline(PAIRING_TTL_MS, EXPIRED_MESSAGE);
          this.view.set({ stage: 'comparing', sas: compared.value.sas });
          break;
        }
        case 'pair-envelope': {
          const envelope = decodePairEnvelope(f);
          const stage = this.view.get().stage;
          if (!envelope.ok || (stage !== 'comparing' && stage !== 'confirmed')) {
            return this.end(
              'The other device sent the key before the digits were shown. Nothing was stored.',
            );
          }
          if (stage === 'comparing') {
            // Held until this user has compared the digits (confirm) or refused them.
            this.held = envelope.value;
            break;
          }
          return this.opened(envelope.value);
        }
        case 'pair-abort':
          return this.end(ABORTED[f.reason]);
        case 'error':
          return this.end(REFUSED[f.code] ?? `The relay refused: ${f.message}`);
        default:
          break;
      }
    }
  }

  /**
   * "They match", on this device: only now may the key be opened (at once if
   * it has come already, else when it comes).
   */
  confirm(): void {
    const state = this.state;
    const v0 = this.view.get();
    if (state?.stage !== 'comparing' || v0.stage !== 'comparing') return;
    const confirmed = confirmPairingSas(state);
    if (!confirmed.ok) return this.end(`Pairing failed: ${confirmed.error.message}`);
    this.state = confirmed.value;
    this.view.set({ stage: 'confirmed', sas: v0.sas });
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) void this.opened(held);
  }

  /** "They don't match" (or cancel): the relay burns the code and tells the other device. */
  mismatch(): void {
    this.abort('mismatch', 'You said the digits do not match, so nothing was shared.');
  }

  cancel(): void {
    this.abort('cancelled', 'Pairing was cancelled. Nothing was shared.');
  }

  private abort(reason: 'mismatch' | 'cancelled', message: string): void {
    const stage = this.view.get().stage;
    if (stage === 'saving' || stage === 'done' || stage === 'ended') return;
    this.channel?.send({ type: 'pair-abort', v: 1, reason });
    this.end(message);
  }

  private async lookup(
    relayUrl: string,
    lookupKey: string,
  ): Promise<PairingLookupResponse | undefined> {
    let status: number;
    let body: unknown;
    try {
      const res = await this.ctx.fetch(`${relayUrl}${PAIRING_LOOKUP_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: PAIRING_PROTOCOL_VERSION, lookupKey }),
      });
      status = res.status;
      body = await res.json().catch(() => undefined);
    } catch {
      this.end('The relay could not be reached. Check the connection and try again.');
      return undefined;
    }
    if (status === 200) {
      const found = v.safeParse(PairingLookupResponse, body);
      if (found.success) return found.output;
      this.end('The relay answered with something that is not an offer.');
      return undefined;
    }
    const failure = v.safeParse(PairingError, body);
    if (!failure.success) {
      this.end(`The relay answered HTTP ${status}.`);
      return undefined;
    }
    if (failure.output.code === 'rate-limited') {
      const seconds = Math.ceil((failure.output.retryAfterMs ?? 60_000) / 1000);
      this.end(`Too many attempts from this network. Try again in ${seconds} seconds.`);
      return undefined;
    }
    this.end(REFUSED[failure.output.code] ?? `The relay refused: ${failure.output.message}`);
    return undefined;
  }

  private async opened(envelope: PairEnvelope): Promise<void> {
    const state = this.state;
    const v0 = this.view.get();
    if (state?.stage !== 'confirmed' || v0.stage !== 'confirmed') return;
    this.state = undefined;
    const opened = openPairingEnvelope(state, envelope);
    if (!opened.ok) return this.end(TAMPERED_MESSAGE);
    this.cancelTimer?.();
    this.view.set({ stage: 'saving', sas: v0.sas });
    this.channel?.close();
    const adopted = await this.ctx.adopt({ ...opened.value, relayUrl: this.relayUrl });
    opened.value.kMaster.fill(0);
    if (!adopted.ok) return this.end(adopted.message);
    this.view.set({ stage: 'done', sas: v0.sas });
  }

  private end(message: string): void {
    if (this.view.get().stage === 'ended' || this.view.get().stage === 'done') return;
    this.cancelTimer?.();
    if (this.state !== undefined) abortPairing(this.state, 'cancelled');
    this.state = undefined;
    this.held = undefined;
    this.view.set({ stage: 'ended', message });
    this.channel?.close();
  }
}
