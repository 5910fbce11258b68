/**
 * The floor of the side-by-side: the same check-ins as one `Automerge.change`
 * each on a plain in-memory document, with nothing after it (no storage, no
 * sealing, no network, no second client). No sync system can deliver N
 * changes faster than its writer can make them, so this bounds both sides:
 * peer time / floor time is the largest speed-up any system could show over
 * the peer on this workload.
 */
import * as A from '@automerge/automerge';
import {
  checkIn,
  ensureObservationMonths,
  initialDocument,
  type ObservationsDoc,
} from '../../client/src/domain';
import { months } from './peer-pair.js';
import { NOW, dateOf, habitOf, sha256Hex } from './workload.js';

export interface FloorDocument {
  write(i: number): void;
  caughtUp(): Promise<void>;
}

export function floorDocument(n: number): FloorDocument {
  let doc: A.Doc<ObservationsDoc> = A.clone(
    ensureObservationMonths(initialDocument('observations'), months(n)),
  );
  return {
    write(i) {
      doc = A.change(doc, (d) => {
        checkIn(
          d,
          { templateId: habitOf(i), date: dateOf(i), status: 'done', now: NOW },
          sha256Hex,
        );
      });
    },
    caughtUp: () => Promise.resolve(),
  };
}
