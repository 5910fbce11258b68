/**
 * One pairing WebSocket, without the socket (frames in, frames out), playing
 * either end; the protocol is in @cairn/shared protocol/pairing-relay.ts and
 * docs/protocol.md "Device pairing", "Through the relay".
 *
 *   hello ─pairing-auth→ offeror-ready ─pairing-open→ offering ─→ closed
 *   hello ─pairing-join→ joined ─→ closed
 *
 * The relay's rules, which the clients do not have to trust it for but which
 * keep honest pairings tidy: one open offer per A socket; an offer takes at
 * most one reveal (single use, in the database); A may address only joiners
 * that answered its own offer; A registers exactly the device B sent; five
 * refused responses, an abort from either side, or A going away burn the
 * code; every lookup by key (HTTP or join) draws on the per-IP budget.
 */
import {
  CLOSE_CODES,
  MAX_MESSAGE_LENGTH,
  PAIRING_CLOSE_CODES,
  PAIRING_MAX_FAILURES,
  PAIRING_PROTOCOL_VERSION,
  PAIRING_TTL_MS,
  decodePairingClientFrame,
  fromBase64,
  verifyPairingAuth,
  type PairAbortFrame,
  type PairingAuth,
  type PairingComplete,
  type PairingDeviceFrame,
  type PairingError,
  type PairingErrorCode,
  type PairingFrom,
  type PairingJoin,
  type PairingOpen,
  type PairingServerFrame,
  type PairingTo,
} from '@cairn/shared';
import type { AccountStore } from '../accounts/port.js';
import type { RelayLimitsConfig } from '../config.js';
import type { LogLike, Outbox, SessionFaults } from '../http/socket-wiring.js';
import { offerStatus, type PairingRefusal, type PairingStore } from './port.js';
import type { LookupLimiter } from './limiter.js';
import { PairingRouter, type JoinerEnd, type OfferorEnd, type ToJoiner } from './router.js';

export interface PairingDeps {
  store: PairingStore;
  /** The account's devices: the offeror's is checked, the joiner's is added. */
  accounts: AccountStore;
  router: PairingRouter;
  limiter: LookupLimiter;
  limits: RelayLimitsConfig;
  log: LogLike;
  now: () => number;
  faults?: SessionFaults;
}

/** The longest an offer may live here: the relay's setting, never over DESIGN's 10 minutes. */
export const offerTtlCap = (limits: RelayLimitsConfig): number =>
  Math.min(limits.pairingTtlMs, PAIRING_TTL_MS);

export const REFUSALS: Record<PairingRefusal, { code: PairingErrorCode; message: string }> = {
  'not-found': {
    code: 'not-found',
    message:
      'No device is offering this code. Check the code, or start again on your other device.',
  },
  expired: {
    code: 'expired',
    message: 'This code has expired. Start again on your other device to get a new one.',
  },
  used: {
    code: 'used',
    message: 'This code has already been used. Start again on your other device to get a new one.',
  },
  burned: {
    code: 'burned',
    message: 'This code was cancelled. Start again on your other device to get a new one.',
  },
};

type State =
  | { kind: 'hello' }
  | { kind: 'authenticating' }
  | { kind: 'ready'; accountId: string; deviceId: string }
  | { kind: 'offering'; accountId: string; deviceId: string; offer: Offer }
  | { kind: 'joined'; lookupKey: string; joiner: string }
  | { kind: 'closed' };

interface Offer {
  lookupKey: string;
  expiresAt: number;
  /** Joiners that answered and are still waiting, with the device each one sent. */
  joiners: Map<string, PairingDeviceFrame>;
  /** The joiner A revealed N_a to: the only one it may complete with. */
  revealedTo: string | undefined;
  /** The offer spent: paired, burned, aborted or expired. */
  over: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class PairingSession implements OfferorEnd, JoinerEnd {
  private state: State = { kind: 'hello' };
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: PairingDeps,
    private readonly out: Outbox,
    private readonly challenge: Uint8Array,
    private readonly ip: string,
  ) {}

  helloFrame(): string {
    return JSON.stringify({
      type: 'pairing-hello',
      v: PAIRING_PROTOCOL_VERSION,
      challenge: Buffer.from(this.challenge).toString('base64'),
      ttlMs: offerTtlCap(this.deps.limits),
    } satisfies PairingServerFrame);
  }

  /**
   * Frames are handled one at a time, in order; a storage failure becomes an
   * `error`. The promise rejects only for a bug (the socket layer then closes
   * this connection); the queue goes on either way.
   */
  onFrame(text: string): Promise<void> {
    const handled = this.queue.then(() => {
      this.deps.faults?.beforeFrame?.(text);
      return this.handle(text);
    });
    this.queue = handled.catch(() => undefined);
    return handled;
  }

  /** A relay bug on this connection: the other side hears `internal`, and the socket closes. */
  onBug(): void {
    if (this.state.kind === 'closed') return;
    this.error('internal', 'the relay failed on this connection');
    this.close(1011, 'internal error');
  }

  onBinary(): void {
    this.error('bad-frame', 'binary frames are not part of the protocol');
  }

  /** No auth or join in time. */
  onIdleTimeout(): void {
    if (this.state.kind !== 'hello' && this.state.kind !== 'authenticating') return;
    this.error('not-authenticated', 'no pairing-auth or pairing-join in time');
    this.close(CLOSE_CODES.authTimeout, 'timeout');
  }

  /** The socket closed: an open offer burns (A's secrets died with it); B's A hears of it. */
  onClosed(): void {
    const s = this.state;
    this.state = { kind: 'closed' };
    if (s.kind === 'offering') void this.endOffer(s.offer, { abort: 'cancelled', burn: true });
    if (s.kind === 'joined') {
      this.deps.router.removeJoiner(s.joiner, this);
      this.deps.router.toOfferor(s.lookupKey, {
        type: 'pairing-from',
        joiner: s.joiner,
        message: abortFrame('cancelled'),
      });
    }
  }

  // ── routed frames ───────────────────────────────────────────────────────

  fromJoiner(frame: PairingFrom): void {
    if (this.state.kind !== 'offering') return;
    const offer = this.state.offer;
    if (frame.message.type === 'pair-response') {
      if (offer.joiners.has(frame.joiner)) return;
      if (offer.over || offer.revealedTo !== undefined) {
        this.deps.router.toJoiner(frame.joiner, abortFrame('cancelled'));
        return;
      }
      offer.joiners.set(frame.joiner, frame.message.device);
    } else {
      if (!offer.joiners.delete(frame.joiner)) return;
      // The joiner A revealed to has gone or aborted: this pairing cannot finish.
      if (offer.revealedTo === frame.joiner) offer.over = true;
    }
    this.send(frame);
  }

  fromOfferor(frame: ToJoiner): void {
    if (this.state.kind !== 'joined') return;
    const { joiner } = this.state;
    this.send(frame);
    if (frame.type === 'pair-reveal') return;
    // The envelope or an abort ends B's part: nothing more will come.
    this.deps.router.removeJoiner(joiner, this);
    this.state = { kind: 'closed' };
    this.out.close(
      frame.type === 'pair-envelope' ? PAIRING_CLOSE_CODES.done : PAIRING_CLOSE_CODES.ended,
      frame.type === 'pair-envelope' ? 'paired' : 'pairing ended',
    );
  }

  // ── inbound ─────────────────────────────────────────────────────────────

  private async handle(text: string): Promise<void> {
    if (this.state.kind === 'closed') return;
    let type: string | undefined;
    try {
      const decoded = decodePairingClientFrame(text);
      if (!decoded.ok) {
        this.error(decoded.error.code, decoded.error.message);
        return;
      }
      const m = decoded.value;
      type = m.type;
      switch (m.type) {
        case 'pairing-auth':
          return await this.auth(m);
        case 'pairing-join':
          return await this.join(m);
        case 'pairing-open':
          return await this.open(m);
        case 'pairing-reject':
          return await this.reject(m.joiner);
        case 'pairing-to':
          return await this.forward(m);
        case 'pairing-complete':
          return await this.complete(m);
        case 'pair-abort':
          return await this.abort(m);
      }
    } catch (e) {
      this.deps.log.error({ err: e, type }, 'pairing storage failed');
      this.error('unavailable', 'storage is unavailable; try again later');
    }
  }

  private async auth(m: PairingAuth): Promise<void> {
    if (this.state.kind !== 'hello') {
      this.error('not-authenticated', 'already authenticated or joined');
      return;
    }
    if (m.v !== PAIRING_PROTOCOL_VERSION) {
      this.error('unsupported-version', `this relay speaks pairing v${PAIRING_PROTOCOL_VERSION}`);
      this.close(PAIRING_CLOSE_CODES.badVersion, 'unsupported version');
      return;
    }
    this.state = { kind: 'authenticating' };
    const device = await this.deps.accounts.getDevice(m.accountId, m.deviceId);
    if (this.state.kind !== 'authenticating') return;
    const key = device === undefined ? undefined : fromBase64(device.signingKey);
    if (device === undefined || key === undefined || !verifyPairingAuth(key, this.challenge, m)) {
      this.error('auth-failed', 'authentication failed');
      this.close(PAIRING_CLOSE_CODES.authFailed, 'authentication failed');
      return;
    }
    if (device.revokedAt !== null) {
      this.error('revoked', 'this device was revoked');
      this.close(PAIRING_CLOSE_CODES.revoked, 'revoked');
      return;
    }
    this.state = { kind: 'ready', accountId: m.accountId, deviceId: m.deviceId };
    this.send({ type: 'pairing-ready' });
  }

  private async open(m: PairingOpen): Promise<void> {
    const s = this.state;
    if (s.kind === 'offering') {
      this.error('busy', 'this socket already holds an offer; open another socket');
      return;
    }
    if (s.kind !== 'ready') {
      this.error('not-authenticated', 'send pairing-auth and wait for pairing-ready first');
      return;
    }
    const expiresAt = this.deps.now() + Math.min(m.ttlMs, offerTtlCap(this.deps.limits));
    const created = await this.deps.store.createOffer(
      m.lookupKey,
      JSON.stringify(m.offer),
      expiresAt,
    );
    if (this.state !== s) {
      // The socket closed while the row was written: nobody can answer it.
      if (created === 'created') await this.deps.store.burnOffer(m.lookupKey);
      return;
    }
    if (created === 'exists') {
      this.error('exists', 'an offer with this code exists; draw another code');
      return;
    }
    const offer: Offer = {
      lookupKey: m.lookupKey,
      expiresAt,
      joiners: new Map(),
      revealedTo: undefined,
      over: false,
      timer: undefined,
    };
    this.state = { kind: 'offering', accountId: s.accountId, deviceId: s.deviceId, offer };
    this.deps.router.addOfferor(m.lookupKey, this);
    offer.timer = setTimeout(() => this.expire(offer, false), expiresAt - this.deps.now());
    offer.timer.unref();
    this.deps.log.info({ account: s.accountId }, 'pairing offer opened');
    this.send({ type: 'pairing-opened', expiresAt });
  }

  /**
   * At expiry the offer stops taking responses. A pairing under way (N_a
   * revealed, the user comparing digits) gets one more TTL to finish.
   */
  private expire(offer: Offer, final: boolean): void {
    if (this.state.kind !== 'offering' || this.state.offer !== offer || offer.over) return;
    if (offer.revealedTo !== undefined && !final) {
      offer.timer = setTimeout(() => this.expire(offer, true), offerTtlCap(this.deps.limits));
      offer.timer.unref();
      return;
    }
    this.send({ type: 'pairing-ended', reason: 'expired' });
    void this.endOffer(offer, { abort: 'expired', burn: false, close: PAIRING_CLOSE_CODES.ended });
  }

  private offering(): Offer | undefined {
    if (this.state.kind === 'offering') return this.state.offer;
    this.error(
      'not-authenticated',
      this.state.kind === 'ready'
        ? 'open an offer first'
        : 'only the offering device may send this',
    );
    return undefined;
  }

  private knownJoiner(offer: Offer, joiner: string): boolean {
    if (offer.joiners.has(joiner)) return true;
    this.error('unknown-joiner', 'no such joiner answered this offer');
    return false;
  }

  private async reject(joiner: string): Promise<void> {
    const offer = this.offering();
    if (offer === undefined || !this.knownJoiner(offer, joiner)) return;
    this.deps.router.toJoiner(joiner, abortFrame('tampered'));
    offer.joiners.delete(joiner);
    const counted = await this.deps.store.failOffer(offer.lookupKey, PAIRING_MAX_FAILURES);
    if (counted?.burned === true) {
      this.send({ type: 'pairing-ended', reason: 'burned' });
      await this.endOffer(offer, {
        abort: 'cancelled',
        burn: false,
        close: PAIRING_CLOSE_CODES.ended,
      });
    }
  }

  private async forward(m: PairingTo): Promise<void> {
    const offer = this.offering();
    if (offer === undefined || !this.knownJoiner(offer, m.joiner)) return;
    if (m.message.type === 'pair-abort') {
      this.deps.router.toJoiner(m.joiner, m.message);
      return;
    }
    if (offer.revealedTo !== undefined) {
      this.error('used', 'this offer has already paired with another device');
      return;
    }
    const used = await this.deps.store.useOffer(offer.lookupKey, this.deps.now());
    if (used !== 'ok') {
      const refusal = REFUSALS[used];
      this.error(refusal.code, refusal.message);
      return;
    }
    offer.revealedTo = m.joiner;
    this.deps.router.toJoiner(m.joiner, m.message);
  }

  private async complete(m: PairingComplete): Promise<void> {
    const s = this.state;
    const offer = this.offering();
    if (s.kind !== 'offering' || offer === undefined) return;
    if (offer.revealedTo !== m.joiner || offer.over) {
      this.error('unknown-joiner', 'complete only the pairing you revealed to');
      return;
    }
    const sent = offer.joiners.get(m.joiner);
    if (sent === undefined || !sameDevice(sent, m.device)) {
      this.error('bad-message', 'the device is not the one this joiner sent');
      return;
    }
    // A may have been revoked while its user compared the digits.
    const self = await this.deps.accounts.getDevice(s.accountId, s.deviceId);
    if (self === undefined || self.revokedAt !== null) {
      this.error('revoked', 'this device was revoked');
      this.close(PAIRING_CLOSE_CODES.revoked, 'revoked');
      return;
    }
    const { maxDevices, quotaBytes } = this.deps.limits;
    const added = await this.deps.accounts.addDevice(
      s.accountId,
      {
        deviceId: m.device.id,
        signingKey: m.device.ed25519,
        boxKey: m.device.x25519,
        label: m.device.label,
      },
      { maxDevices, quotaBytes },
    );
    if (added === 'too-many' || added === 'quota') {
      this.error(
        'quota',
        added === 'too-many'
          ? `an account has at most ${maxDevices} devices; remove one first`
          : 'the account storage quota is full',
      );
      return;
    }
    if (added === 'conflict') {
      this.error('exists', 'this account has a device with that id and other keys');
      return;
    }
    if (added === 'no-account') {
      this.error('not-found', 'this account no longer exists');
      return;
    }
    this.deps.log.info({ account: s.accountId, device: m.device.id }, 'device paired');
    offer.joiners.delete(m.joiner);
    this.deps.router.toJoiner(m.joiner, m.envelope);
    this.send({ type: 'pairing-completed', deviceId: m.device.id });
    await this.endOffer(offer, {
      abort: 'cancelled',
      burn: false,
      close: PAIRING_CLOSE_CODES.done,
    });
  }

  private async abort(m: PairAbortFrame): Promise<void> {
    const s = this.state;
    if (s.kind === 'offering') {
      // An offer that ran out stays "expired" rather than "cancelled" for a late lookup.
      const burn = m.reason !== 'expired';
      await this.endOffer(s.offer, { abort: m.reason, burn, close: PAIRING_CLOSE_CODES.ended });
      return;
    }
    if (s.kind === 'joined') {
      await this.deps.store.burnOffer(s.lookupKey);
      this.deps.router.removeJoiner(s.joiner, this);
      this.state = { kind: 'closed' };
      this.deps.router.toOfferor(s.lookupKey, {
        type: 'pairing-from',
        joiner: s.joiner,
        message: m,
      });
      this.out.close(PAIRING_CLOSE_CODES.ended, 'pairing ended');
      return;
    }
    this.error('not-authenticated', 'no pairing to abort');
  }

  private async join(m: PairingJoin): Promise<void> {
    if (this.state.kind !== 'hello') {
      this.error('not-authenticated', 'already authenticated or joined');
      return;
    }
    if (m.v !== PAIRING_PROTOCOL_VERSION) {
      this.error('unsupported-version', `this relay speaks pairing v${PAIRING_PROTOCOL_VERSION}`);
      this.close(PAIRING_CLOSE_CODES.badVersion, 'unsupported version');
      return;
    }
    const wait = this.deps.limiter.take(this.ip, this.deps.now());
    if (wait > 0) {
      this.error('rate-limited', 'too many pairing attempts from this address', wait);
      this.close(PAIRING_CLOSE_CODES.ended, 'rate limited');
      return;
    }
    this.state = { kind: 'authenticating' };
    const record = await this.deps.store.getOffer(m.lookupKey);
    if (this.state.kind !== 'authenticating') return;
    const status = offerStatus(record, this.deps.now());
    if (!status.ok) {
      const refusal = REFUSALS[status.refusal];
      this.error(refusal.code, refusal.message);
      this.close(PAIRING_CLOSE_CODES.ended, refusal.code);
      return;
    }
    const joiner = PairingRouter.joinerId();
    this.state = { kind: 'joined', lookupKey: m.lookupKey, joiner };
    this.deps.router.addJoiner(joiner, this);
    this.deps.router.toOfferor(m.lookupKey, { type: 'pairing-from', joiner, message: m.response });
  }

  // ── outbound ────────────────────────────────────────────────────────────

  /**
   * Ends an offer: aborts the joiners still waiting, burns the code if asked
   * (and it is still open), and closes A's socket with `close` if given.
   */
  private async endOffer(
    offer: Offer,
    how: { abort: PairAbortFrame['reason']; burn: boolean; close?: number },
  ): Promise<void> {
    const wasOver = offer.over;
    offer.over = true;
    if (offer.timer !== undefined) clearTimeout(offer.timer);
    this.deps.router.removeOfferor(offer.lookupKey, this);
    for (const joiner of offer.joiners.keys())
      this.deps.router.toJoiner(joiner, abortFrame(how.abort));
    offer.joiners.clear();
    const close = how.close !== undefined && this.state.kind !== 'closed' ? how.close : undefined;
    if (close !== undefined) this.state = { kind: 'closed' };
    // Burned before A's socket closes, so that A's next lookup already sees it.
    if (how.burn && !wasOver) {
      await this.deps.store.burnOffer(offer.lookupKey).catch((e: unknown) => {
        this.deps.log.warn({ err: e }, 'could not burn a pairing offer');
      });
    }
    if (close !== undefined) {
      this.out.close(close, close === PAIRING_CLOSE_CODES.done ? 'paired' : 'pairing ended');
    }
  }

  private send(frame: PairingServerFrame): void {
    if (this.state.kind !== 'closed') this.out.send(JSON.stringify(frame));
  }

  private error(code: PairingErrorCode, message: string, retryAfterMs?: number): void {
    const frame: PairingError = {
      type: 'error',
      code,
      message: message.slice(0, MAX_MESSAGE_LENGTH),
    };
    if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
    this.send(frame);
  }

  private close(code: number, reason: string): void {
    const s = this.state;
    this.state = { kind: 'closed' };
    if (s.kind === 'offering') void this.endOffer(s.offer, { abort: 'cancelled', burn: true });
    this.out.close(code, reason);
  }
}

function abortFrame(reason: PairAbortFrame['reason']): PairAbortFrame {
  return { type: 'pair-abort', v: PAIRING_PROTOCOL_VERSION, reason };
}

function sameDevice(a: PairingDeviceFrame, b: PairingDeviceFrame): boolean {
  return a.id === b.id && a.ed25519 === b.ed25519 && a.x25519 === b.x25519 && a.label === b.label;
}
