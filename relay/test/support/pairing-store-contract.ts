/**
 * The contract of the pairing feature's store port (`PairingStore`,
 * pairing/port.ts; `store.pairing`), run against
 * PGlite (unit project) and Postgres (integration project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerStatus } from '../../src/pairing/port.js';
import type { StoreLifecycle } from '../../src/ops/port.js';
import type { PairingStore } from '../../src/pairing/port.js';

type Store = { readonly pairing: PairingStore } & StoreLifecycle;
import { b64Id } from '../../../testkit/src/identities.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
const OFFER = JSON.stringify({ type: 'pair-offer', v: 1, x25519: b64Id(32, 1) });

export function pairingStoreContract(
  name: string,
  open: () => Promise<Store>,
  dispose?: () => Promise<void>,
): void {
  describe(`pairing store contract: ${name}`, () => {
    let store: Store;
    // PGlite compiles Postgres to WebAssembly on open: slow on a busy machine.
    beforeAll(async () => {
      store = await open();
    }, 120_000);
    afterAll(async () => {
      await store.close();
      await dispose?.();
    });

    it('stores an offer under its lookup key, once, with an exact expiry', async () => {
      const key = b64Id(32, 0x10);
      expect(await store.pairing.createOffer(key, OFFER, T0 + 600_000)).toBe('created');
      expect(await store.pairing.createOffer(key, '{}', T0 + 1)).toBe('exists');
      expect(await store.pairing.getOffer(key)).toEqual({
        state: 'open',
        offer: OFFER,
        failures: 0,
        expiresAt: T0 + 600_000,
      });
      expect(await store.pairing.getOffer(b64Id(32, 0x11))).toBeUndefined();
      expect(offerStatus(await store.pairing.getOffer(key), T0)).toEqual({
        ok: true,
        offer: OFFER,
        expiresAt: T0 + 600_000,
      });
      expect(offerStatus(await store.pairing.getOffer(key), T0 + 600_000)).toEqual({
        ok: false,
        refusal: 'expired',
      });
    });

    it('is single use: the first use drops the public values, later ones are refused', async () => {
      const key = b64Id(32, 0x20);
      await store.pairing.createOffer(key, OFFER, T0 + 1000);
      const uses = await Promise.all([
        store.pairing.useOffer(key, T0),
        store.pairing.useOffer(key, T0),
        store.pairing.useOffer(key, T0),
      ]);
      expect(uses.filter((u) => u === 'ok')).toHaveLength(1);
      expect(uses.filter((u) => u !== 'ok')).toEqual(['used', 'used']);
      expect(await store.pairing.getOffer(key)).toMatchObject({ state: 'used', offer: null });
      expect(offerStatus(await store.pairing.getOffer(key), T0)).toEqual({
        ok: false,
        refusal: 'used',
      });
      expect(await store.pairing.useOffer(b64Id(32, 0x21), T0)).toBe('not-found');
      // Aborted after the reveal: the code reads "cancelled" from then on.
      expect(await store.pairing.burnOffer(key)).toBe(true);
      expect(await store.pairing.burnOffer(key)).toBe(false);
      expect(offerStatus(await store.pairing.getOffer(key), T0)).toEqual({
        ok: false,
        refusal: 'burned',
      });
    });

    it('refuses to use an expired offer', async () => {
      const key = b64Id(32, 0x30);
      await store.pairing.createOffer(key, OFFER, T0 + 1000);
      expect(await store.pairing.useOffer(key, T0 + 1000)).toBe('expired');
      expect(await store.pairing.getOffer(key)).toMatchObject({ state: 'open' });
    });

    it('burns an offer on the fifth failure', async () => {
      const key = b64Id(32, 0x40);
      await store.pairing.createOffer(key, OFFER, T0 + 1000);
      for (let i = 1; i <= 4; i++) {
        expect(await store.pairing.failOffer(key, 5)).toEqual({ failures: i, burned: false });
      }
      expect(await store.pairing.failOffer(key, 5)).toEqual({ failures: 5, burned: true });
      expect(await store.pairing.failOffer(key, 5)).toBeUndefined();
      expect(await store.pairing.getOffer(key)).toMatchObject({ state: 'burned', offer: null });
      expect(offerStatus(await store.pairing.getOffer(key), T0)).toEqual({
        ok: false,
        refusal: 'burned',
      });
      expect(await store.pairing.useOffer(key, T0)).toBe('burned');
    });

    it('burns an offer on request, once', async () => {
      const key = b64Id(32, 0x50);
      await store.pairing.createOffer(key, OFFER, T0 + 1000);
      expect(await store.pairing.burnOffer(key)).toBe(true);
      expect(await store.pairing.burnOffer(key)).toBe(false);
      expect(await store.pairing.getOffer(key)).toMatchObject({ state: 'burned', offer: null });
    });

    it('sweeps the offers that expired before a time, and only those', async () => {
      const old = b64Id(32, 0x60);
      const fresh = b64Id(32, 0x61);
      await store.pairing.createOffer(old, OFFER, T0 - 10);
      await store.pairing.createOffer(fresh, OFFER, T0 + 10);
      expect(await store.pairing.sweepOffers(T0)).toBeGreaterThanOrEqual(1);
      expect(await store.pairing.getOffer(old)).toBeUndefined();
      expect(await store.pairing.getOffer(fresh)).toMatchObject({ state: 'open' });
      expect(await store.pairing.sweepOffers(T0)).toBe(0);
    });

    it('forwards across processes exactly when the store is shared', () => {
      expect(store.pairing.shared).toBe(store.shared);
    });
  });
}
