/**
 * Device A's pairing, start to finish: Settings → Devices → "Add a device".
 * The crypto is @cairn/shared's pairing core; this drives it over the relay's
 * pairing socket (docs/protocol.md "Device pairing") and exposes one
 * observable view for the UI.
 *
 *   connecting → waiting (code, QR, countdown) → confirming (the six digits)
 *     → sending → done
 *   any stage → ended (expired, mismatch, cancelled, burned, failed)
 *
 * K_master leaves only from `confirm()`, i.e. after the user said that both
 * screens show the same digits. Any response that fails its MAC is refused
 * (`pairing-reject`); the fifth burns the code, here and at the relay.
 */
import {
  PAIRING_TTL_MS,
  abortPairing,
  buildPairingAuth,
  createPairingOffer,
  decodePairResponse,
  encodePairEnvelope,
  encodePairOffer,
  encodePairReveal,
  encodePairingQr,
  formatPairingCode,
  pairingQrFor,
  receivePairingResponse,
  releaseMasterKey,
  toBase64,
  type OfferorConfirming,
  type OfferorWaiting,
  type PairAbortReason,
  type PairingDeviceFrame,
  type PairingServerFrame,
} from '@cairn/shared';
import type { SocketFactory } from '../lib/platform';
import { PairingChannel, pairingSocketUrl, type ChannelEvent } from './channel';
import { Observable } from '../lib/observable';

export type EndReason = 'expired' | 'mismatch' | 'cancelled' | 'burned' | 'failed';

export type OfferView =
  | { readonly stage: 'connecting' }
  | {
      readonly stage: 'waiting';
      /** The code as shown: XXXX-XXXX-XXXX. */
      readonly code: string;
      /** The QR code's text (pair-qr JSON). */
      readonly qr: string;
      /** By this device's clock. */
      readonly expiresAt: number;
    }
  | { readonly stage: 'confirming'; readonly sas: string; readonly label: string }
  | { readonly stage: 'sending'; readonly sas: string; readonly label: string }
  | { readonly stage: 'done'; readonly label: string; readonly deviceId: string }
  | { readonly stage: 'ended'; readonly reason: EndReason; readonly message: string };

export interface OfferContext {
  relayUrl: string;
  accountId: string;
  deviceId: string;
  signingSecretKey: Uint8Array;
  kMaster: Uint8Array;
  connect: SocketFactory;
  now?: () => number;
}

const MESSAGES = {
  expired: 'The code expired before another device used it. Start again for a new code.',
  mismatch: 'You said the digits do not match, so nothing was shared. The code is cancelled.',
  cancelled: 'Pairing was cancelled. Nothing was shared.',
  theirMismatch:
    'The other device says the digits do not match, so nothing was shared. Start again on both devices.',
  theirCancel: 'The other device stopped pairing. Nothing was shared.',
  burned: 'Too many devices answered with a wrong code, so this code is cancelled. Start again.',
  lost: 'The connection to the relay was lost. Nothing was shared; start again.',
  authFailed:
    'The relay does not know this device yet. Wait until the status says “Synced”, then try again.',
  revoked: 'This device was removed from your account, so it cannot add devices.',
} as const;

export class OfferSession {
  /** The session as the UI sees it (useSyncExternalStore: same object until it changes). */
  private readonly view = new Observable<OfferView>({ stage: 'connecting' });
  readonly get = (): OfferView => this.view.get();
  readonly subscribe = (listener: () => void): (() => void) => this.view.subscribe(listener);

  private channel: PairingChannel | undefined;
  private waitingState: OfferorWaiting | undefined;
  private confirming:
    { state: OfferorConfirming; joiner: string; device: PairingDeviceFrame } | undefined;
  private expiry: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly ctx: OfferContext) {
    this.now = ctx.now ?? Date.now;
  }

  /** Runs the pairing until it ends; never rejects. */
  async run(): Promise<void> {
    const url = pairingSocketUrl(this.ctx.relayUrl);
    if (url === undefined) return this.end('failed', 'The relay address is not valid.');
    const channel = new PairingChannel(url, this.ctx.connect);
    this.channel = channel;
    const hello = await this.expect(channel, 'pairing-hello');
    if (hello === undefined) return;
    const { accountId, deviceId } = this.ctx;
    channel.send(buildPairingAuth(this.ctx.signingSecretKey, hello.challenge, accountId, deviceId));
    if ((await this.expect(channel, 'pairing-ready')) === undefined) return;

    const created = createPairingOffer({
      now: this.now(),
      ttlMs: Math.min(PAIRING_TTL_MS, hello.ttlMs),
    });
    channel.send({
      type: 'pairing-open',
      lookupKey: toBase64(created.lookupKey),
      offer: encodePairOffer(created.offer),
      ttlMs: created.expiresAt - this.now(),
    });
    if ((await this.expect(channel, 'pairing-opened')) === undefined) return;
    this.waitingState = created.state;
    const qr = pairingQrFor(created.offer, created.code, this.ctx.relayUrl, accountId);
    this.view.set({
      stage: 'waiting',
      code: formatPairingCode(created.code),
      qr: encodePairingQr(qr),
      expiresAt: created.expiresAt,
    });
    this.expiry = setTimeout(() => this.timeUp(), Math.max(0, created.expiresAt - this.now()));

    for (;;) {
      const e = await channel.next();
      if (e.kind !== 'frame') return this.lost(e);
      this.onFrame(e.frame);
    }
  }

  /** "They match": seal K_master for the device whose digits the user compared. */
  confirm(): void {
    const c = this.confirming;
    const v = this.view.get();
    if (c === undefined || v.stage !== 'confirming') return;
    this.confirming = undefined;
    const envelope = releaseMasterKey(c.state, this.ctx.kMaster, this.ctx.accountId);
    if (!envelope.ok)
      return this.end('failed', `Could not seal the key: ${envelope.error.message}`);
    this.view.set({ stage: 'sending', sas: v.sas, label: v.label });
    this.channel?.send({
      type: 'pairing-complete',
      joiner: c.joiner,
      device: c.device,
      envelope: encodePairEnvelope(envelope.value),
    });
  }

  /** "They don't match": nothing is sent but the abort; the relay burns the code. */
  mismatch(): void {
    this.abort('mismatch', 'mismatch', MESSAGES.mismatch);
  }

  cancel(): void {
    this.abort('cancelled', 'cancelled', MESSAGES.cancelled);
  }

  /** Tells the relay (which burns the code and tells B), then ends here. */
  private abort(reason: PairAbortReason, end: EndReason, message: string): void {
    const stage = this.view.get().stage;
    if (stage === 'done' || stage === 'ended' || stage === 'sending') return;
    this.channel?.send({ type: 'pair-abort', v: 1, reason });
    this.end(end, message);
  }

  /** A keeps its own clock on the expiry: the relay, which could stretch it, is not trusted. */
  private timeUp(): void {
    if (this.view.get().stage === 'waiting') this.abort('expired', 'expired', MESSAGES.expired);
  }

  private onFrame(f: PairingServerFrame): void {
    switch (f.type) {
      case 'pairing-from':
        if (f.message.type === 'pair-response') {
          this.onResponse(f.joiner, f.message);
          return;
        }
        // A joiner (who had the code) stopped: an abort burns the code, so this offer is over.
        if (this.confirming === undefined || this.confirming.joiner === f.joiner) {
          this.end(
            'cancelled',
            f.message.reason === 'mismatch' ? MESSAGES.theirMismatch : MESSAGES.theirCancel,
          );
        }
        return;
      case 'pairing-completed': {
        const v = this.view.get();
        if (v.stage === 'sending')
          this.view.set({ stage: 'done', label: v.label, deviceId: f.deviceId });
        this.finish();
        return;
      }
      case 'pairing-ended':
        return this.end(
          f.reason === 'burned' ? 'burned' : 'expired',
          f.reason === 'burned' ? MESSAGES.burned : MESSAGES.expired,
        );
      case 'error':
        return this.end('failed', `The relay refused: ${f.message}`);
      default:
        return;
    }
  }

  private onResponse(joiner: string, wire: unknown): void {
    const waiting = this.waitingState;
    if (waiting === undefined || this.view.get().stage !== 'waiting') {
      // A spent offer takes no second response.
      this.channel?.send({
        type: 'pairing-to',
        joiner,
        message: { type: 'pair-abort', v: 1, reason: 'cancelled' },
      });
      return;
    }
    const response = decodePairResponse(wire);
    if (!response.ok) {
      this.channel?.send({ type: 'pairing-reject', joiner });
      return;
    }
    this.waitingState = undefined;
    const outcome = receivePairingResponse(waiting, response.value, this.now());
    if (!outcome.ok) {
      this.channel?.send({ type: 'pairing-reject', joiner });
      if (outcome.state.stage === 'waiting') this.waitingState = outcome.state;
      else if (outcome.state.reason === 'burned') this.end('burned', MESSAGES.burned);
      else if (outcome.state.reason === 'expired') this.end('expired', MESSAGES.expired);
      else this.end('failed', `Pairing failed: ${outcome.error.message}`);
      return;
    }
    if (this.expiry !== undefined) clearTimeout(this.expiry);
    const device: PairingDeviceFrame = {
      id: outcome.device.id,
      ed25519: toBase64(outcome.device.ed25519),
      x25519: toBase64(outcome.device.x25519),
      label: outcome.device.label,
    };
    this.confirming = { state: outcome.state, joiner, device };
    this.channel?.send({ type: 'pairing-to', joiner, message: encodePairReveal(outcome.reveal) });
    this.view.set({ stage: 'confirming', sas: outcome.sas, label: outcome.device.label });
  }

  private async expect<K extends PairingServerFrame['type']>(
    channel: PairingChannel,
    type: K,
  ): Promise<Extract<PairingServerFrame, { type: K }> | undefined> {
    const e = await channel.next();
    if (e.kind !== 'frame') {
      this.lost(e);
      return undefined;
    }
    const f = e.frame;
    if (isType(f, type)) return f;
    if (f.type === 'error' && f.code === 'auth-failed') this.end('failed', MESSAGES.authFailed);
    else if (f.type === 'error' && f.code === 'revoked') this.end('failed', MESSAGES.revoked);
    else if (f.type === 'error') this.end('failed', `The relay refused: ${f.message}`);
    else this.end('failed', `The relay answered ${f.type} instead of ${type}.`);
    return undefined;
  }

  private lost(e: Exclude<ChannelEvent, { kind: 'frame' }>): void {
    const stage = this.view.get().stage;
    if (stage === 'done' || stage === 'ended') return;
    this.end(
      'failed',
      e.kind === 'protocol' ? `The relay spoke nonsense: ${e.message}` : MESSAGES.lost,
    );
  }

  private end(reason: EndReason, message: string): void {
    const stage = this.view.get().stage;
    if (stage === 'done' || stage === 'ended') return;
    const state = this.confirming?.state ?? this.waitingState;
    if (state !== undefined) abortPairing(state, 'cancelled');
    this.confirming = undefined;
    this.waitingState = undefined;
    this.view.set({ stage: 'ended', reason, message });
    this.finish();
  }

  private finish(): void {
    if (this.expiry !== undefined) clearTimeout(this.expiry);
    this.channel?.close();
  }
}

function isType<K extends PairingServerFrame['type']>(
  f: PairingServerFrame,
  type: K,
): f is Extract<PairingServerFrame, { type: K }> {
  return f.type === type;
}
