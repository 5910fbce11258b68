/**
 * Delivery between the two ends of a pairing. A's socket is found by the
 * offer's lookup key, B's by the joiner id the relay gave it; either may live
 * in another relay process on the same Postgres, so a frame for a socket this
 * process does not hold is NOTIFYed on `cairn_pairing`:
 *
 *   {"i":instance,"o":lookupKey,"f":<pairing-from frame>}   for A
 *   {"i":instance,"j":joiner,"f":<pair-reveal | pair-envelope | pair-abort>}   for B
 *
 * Every process that holds the addressee delivers; `i` lets a process skip its
 * own notices. The frames are public pairing values (the envelope is sealed
 * under a key the relay does not have) and are never stored or logged.
 */
import { randomBytes } from 'node:crypto';
import {
  LookupKeyB64,
  PairAbortFrame,
  PairEnvelopeFrame,
  PairingFrom,
  PairRevealFrame,
} from '@cairn/shared';
import * as v from 'valibot';
import type { PairingStore } from './port.js';

export const ToJoiner = v.variant('type', [PairRevealFrame, PairEnvelopeFrame, PairAbortFrame]);
export type ToJoiner = v.InferOutput<typeof ToJoiner>;

export interface OfferorEnd {
  fromJoiner(frame: PairingFrom): void;
}

export interface JoinerEnd {
  fromOfferor(frame: ToJoiner): void;
}

const Notice = v.union([
  v.object({ i: v.string(), o: LookupKeyB64, f: PairingFrom }),
  v.object({ i: v.string(), j: v.string(), f: ToJoiner }),
]);

export interface RouterLog {
  warn(obj: object, msg: string): void;
}

export class PairingRouter {
  private readonly offerors = new Map<string, OfferorEnd>();
  private readonly joiners = new Map<string, JoinerEnd>();
  private readonly instance = randomBytes(8).toString('hex');

  constructor(
    private readonly store: PairingStore,
    private readonly log: RouterLog,
  ) {}

  /** Subscribes to other processes' frames (no-op on a single-process store). */
  async listen(): Promise<void> {
    if (!this.store.shared) return;
    await this.store.listen((payload) => this.onNotice(payload));
  }

  /** A fresh joiner id: 128 random bits, hex. */
  static joinerId(): string {
    return randomBytes(16).toString('hex');
  }

  addOfferor(lookupKey: string, end: OfferorEnd): void {
    this.offerors.set(lookupKey, end);
  }

  removeOfferor(lookupKey: string, end: OfferorEnd): void {
    if (this.offerors.get(lookupKey) === end) this.offerors.delete(lookupKey);
  }

  addJoiner(joiner: string, end: JoinerEnd): void {
    this.joiners.set(joiner, end);
  }

  removeJoiner(joiner: string, end: JoinerEnd): void {
    if (this.joiners.get(joiner) === end) this.joiners.delete(joiner);
  }

  get open(): { offerors: number; joiners: number } {
    return { offerors: this.offerors.size, joiners: this.joiners.size };
  }

  toOfferor(lookupKey: string, frame: PairingFrom): void {
    const local = this.offerors.get(lookupKey);
    if (local !== undefined) local.fromJoiner(frame);
    else this.publish({ i: this.instance, o: lookupKey, f: frame });
  }

  toJoiner(joiner: string, frame: ToJoiner): void {
    const local = this.joiners.get(joiner);
    if (local !== undefined) local.fromOfferor(frame);
    else this.publish({ i: this.instance, j: joiner, f: frame });
  }

  private publish(notice: v.InferOutput<typeof Notice>): void {
    if (!this.store.shared) return;
    this.store.notify(JSON.stringify(notice)).catch((e: unknown) => {
      this.log.warn({ err: e }, 'pairing notice failed');
    });
  }

  private onNotice(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return;
    }
    const parsed = v.safeParse(Notice, json);
    if (!parsed.success || parsed.output.i === this.instance) return;
    const n = parsed.output;
    if ('o' in n) this.offerors.get(n.o)?.fromJoiner(n.f);
    else this.joiners.get(n.j)?.fromOfferor(n.f);
  }
}
