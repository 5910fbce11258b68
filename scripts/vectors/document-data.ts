/**
 * Vectors for what the documents hold (docs/protocol.md "What the documents
 * hold"): a clock, the deterministic change that adds the profile's device
 * labels, and a check-in written with its clocks, made with a fixed actor at
 * time 0 so the bytes are the same on every machine.
 */
import * as A from '@automerge/automerge';
import { checkIn } from '../../client/src/domain/checkins.js';
import { HybridClock, formatHlc } from '../../client/src/domain/clock.js';
import {
  devicesChange,
  ensureObservationMonths,
  initialDocument,
} from '../../client/src/domain/documents.js';
import { sha256, toHex, utf8 } from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';

const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));

export const blocks = {
  'document-data'() {
    const clock = formatHlc(1_772_614_440_000, 3, '9f86d081884c7d65');
    const device = new HybridClock('9f86d081884c7d65', () => 1_772_614_440_000);
    const before = ensureObservationMonths(initialDocument('observations', 'a1'.repeat(16)), [
      '2026-03',
    ]);
    const after = A.change(before, { time: 0 }, (d) =>
      checkIn(
        d,
        { templateId: 'h1', date: '2026-03-04', status: 'done', value: 8, now: 0, clock: device },
        sha256Hex,
      ),
    );
    const checkInChange = A.getLastLocalChange(after) ?? new Uint8Array();
    return vectorBlock([
      'a clock: 2026-03-04T08:54:00Z, the fourth edit in that millisecond, on device 9f86d081884c7d65',
      ['clock', clock],
      'the change that adds the empty "devices" map to the profile (actor ca1edd00…, time 0, after genesis)',
      ['devices_change', devicesChange()],
      'habit "h1", 2026-03-04, done with value 8, written by actor a1a1… at time 0 with the clock below',
      ['checkin_id', sha256Hex('h1|2026-03-04').slice(0, 32)],
      ['checkin_clock', formatHlc(1_772_614_440_000, 0, '9f86d081884c7d65')],
      ['checkin_change', checkInChange],
    ]);
  },
};
