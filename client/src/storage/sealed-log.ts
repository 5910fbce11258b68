/**
 * Sealed document logs: what one record of a document's log holds, and how a
 * log is read back.
 *
 * Log file: frames back to back (DESIGN §3.4), `frame = u32_le(len) ‖ record`.
 * Record: sealed per DESIGN §3.3 under K_record with the document's
 * stream_id = HMAC(K_stream, doc_name), over the padded plaintext (§3.7):
 *
 *   record    = seal(K_record, stream_id, pad(plaintext))
 *   plaintext = kind(1) ‖ payload
 *     kind 0x01  changes:   payload = 1 or more × ( u32_le(len) ‖ Automerge change )
 *     kind 0x02  snapshot:  payload = Automerge.save() of the whole document
 *
 * A batch of changes received from sync is one 0x01 record. Compaction writes a
 * log whose first record is a 0x02 snapshot. The same sealed bytes go to disk
 * and to the relay, so a relay event is exactly one record.
 *
 * Versioning: the record's own version byte (§3.3) covers the sealing; a new
 * plaintext layout takes a new kind byte. A reader meets an unknown kind as the
 * problem `unknown-kind` and skips the record.
 *
 * Problem codes, per record (reported, the record skipped, never applied):
 *   authentication-failed | bad-version | bad-length   the seal did not open (§3.3)
 *   bad-padding    the opened plaintext is not padded per §3.7
 *   bad-payload    kind 0x01 framing is inconsistent, or the record is empty
 *   unknown-kind   a kind byte this version does not know
 *   bad-frame      a damaged frame header mid-log: the bytes up to the next
 *                  whole record are skipped as one unreadable record
 *   bad-automerge  authentic, but Automerge rejected its bytes
 */
import {
  CairnError,
  FRAME_HEADER_BYTES,
  RECORD_OVERHEAD,
  RECORD_VERSION,
  concat,
  frameRecord,
  openWithRecordKey,
  pad,
  recordKey,
  sealWithRecordKey,
  streamId,
  unpad,
  type Result,
} from '@cairn/shared';

export const KIND_CHANGES = 0x01;
export const KIND_SNAPSHOT = 0x02;

export type RecordKind = 'changes' | 'snapshot';

export type RecordPayload =
  | { readonly kind: 'changes'; readonly changes: readonly Uint8Array[] }
  | { readonly kind: 'snapshot'; readonly snapshot: Uint8Array };

export type RecordProblemCode =
  | 'authentication-failed'
  | 'bad-version'
  | 'bad-length'
  | 'bad-padding'
  | 'bad-payload'
  | 'unknown-kind'
  | 'bad-frame'
  | 'bad-automerge';

export interface RecordProblem {
  /** The document's name. */
  readonly doc: string;
  /** Position of the record in its log (0-based), or in a received batch. */
  readonly index: number;
  readonly code: RecordProblemCode;
}

export function encodePlaintext(payload: RecordPayload): Uint8Array {
  if (payload.kind === 'snapshot') return concat(Uint8Array.of(KIND_SNAPSHOT), payload.snapshot);
  if (payload.changes.length === 0) throw new RangeError('a changes record holds at least one');
  let size = 1;
  for (const c of payload.changes) size += 4 + c.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = KIND_CHANGES;
  let at = 1;
  for (const c of payload.changes) {
    view.setUint32(at, c.length, true);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}

export function decodePlaintext(bytes: Uint8Array): Result<RecordPayload, RecordProblemCode> {
  const kind = bytes[0];
  if (kind === KIND_SNAPSHOT)
    return { ok: true, value: { kind: 'snapshot', snapshot: bytes.subarray(1) } };
  if (kind !== KIND_CHANGES) {
    return { ok: false, error: kind === undefined ? 'bad-payload' : 'unknown-kind' };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const changes: Uint8Array[] = [];
  let at = 1;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) return { ok: false, error: 'bad-payload' };
    const len = view.getUint32(at, true);
    if (len === 0 || at + 4 + len > bytes.length) return { ok: false, error: 'bad-payload' };
    changes.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (changes.length === 0) return { ok: false, error: 'bad-payload' };
  return { ok: true, value: { kind: 'changes', changes } };
}

/** The shared crypto core's failures that mean "this record does not open". */
function sealProblem(e: unknown): RecordProblemCode | undefined {
  if (!(e instanceof CairnError)) return undefined;
  switch (e.code) {
    case 'authentication-failed':
    case 'bad-version':
    case 'bad-length':
    case 'bad-padding':
      return e.code;
    default:
      return undefined;
  }
}

/** Seals and opens the records of one document. Derive once per session: keys are cached. */
export class DocumentCipher {
  readonly streamId: Uint8Array;

  constructor(
    private readonly kRecord: Uint8Array,
    kMaster: Uint8Array,
    readonly doc: string,
  ) {
    this.streamId = streamId(kMaster, doc);
  }

  /** One cipher per document, all sharing one derived K_record. */
  static forDocuments(kMaster: Uint8Array, docs: readonly string[]): Map<string, DocumentCipher> {
    const kRecord = recordKey(kMaster);
    return new Map(docs.map((d) => [d, new DocumentCipher(kRecord, kMaster, d)]));
  }

  seal(payload: RecordPayload): Uint8Array {
    return sealWithRecordKey(this.kRecord, this.streamId, pad(encodePlaintext(payload)));
  }

  open(record: Uint8Array): Result<RecordPayload, RecordProblemCode> {
    let plaintext: Uint8Array;
    try {
      plaintext = unpad(openWithRecordKey(this.kRecord, this.streamId, record));
    } catch (e) {
      const code = sealProblem(e);
      if (code === undefined) throw e;
      return { ok: false, error: code };
    }
    return decodePlaintext(plaintext);
  }
}

export interface OpenedRecord {
  readonly index: number;
  readonly payload: RecordPayload;
}

export interface OpenedLog {
  /** Records that opened, in log order, with their positions. */
  readonly records: OpenedRecord[];
  readonly problems: RecordProblem[];
  /** Whole frames in the file (opened or not). */
  readonly frameCount: number;
  /** Length of the whole frames: truncate the file here. */
  readonly validLength: number;
  /** Bytes of a torn last frame after `validLength`. */
  readonly tornBytes: number;
}

const NOT_AUTHENTIC: ReadonlySet<RecordProblemCode> = new Set([
  'authentication-failed',
  'bad-version',
  'bad-length',
]);

/** Whether an open result shows the seal verified (even if the content was then rejected). */
const authentic = (r: Result<RecordPayload, RecordProblemCode>): boolean =>
  r.ok || !NOT_AUTHENTIC.has(r.error);

/**
 * Reads frames off a log, checking each record's seal, and finds where whole
 * frames resume after damage. Scans only move forward and are remembered, so
 * a log of N frames costs O(N) seal checks and one pass over its bytes even
 * when every record is unreadable (a wrong key).
 */
class FrameWalker {
  private readonly view: DataView;
  private scanFrom = -1;
  private scanResult: number | undefined;

  constructor(
    private readonly cipher: DocumentCipher,
    private readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The frame at `at` if its length prefix and record fit in the file. */
  frameAt(at: number): { record: Uint8Array; end: number } | undefined {
    if (at + FRAME_HEADER_BYTES > this.bytes.length) return undefined;
    const end = at + FRAME_HEADER_BYTES + this.view.getUint32(at, true);
    if (end > this.bytes.length) return undefined;
    return { record: this.bytes.subarray(at + FRAME_HEADER_BYTES, end), end };
  }

  private authenticAt(at: number): boolean {
    const frame = this.frameAt(at);
    if (frame === undefined || frame.record.length < RECORD_OVERHEAD) return false;
    if (frame.record[0] !== RECORD_VERSION) return false;
    return authentic(this.cipher.open(frame.record));
  }

  /** The first offset ≥ `from` where a frame holding an authentic record starts. */
  nextAuthentic(from: number): number | undefined {
    const known = this.scanResult ?? this.bytes.length;
    if (this.scanFrom >= 0 && from >= this.scanFrom && from <= known) return this.scanResult;
    let found: number | undefined;
    for (let at = from; at + FRAME_HEADER_BYTES + RECORD_OVERHEAD <= this.bytes.length; at += 1) {
      if (this.authenticAt(at)) {
        found = at;
        break;
      }
    }
    this.scanFrom = from;
    this.scanResult = found;
    return found;
  }
}

/**
 * Parses and opens a whole log file. Pure: the caller truncates a torn tail.
 *
 * A record whose seal fails is reported and skipped. If its frame header was
 * damaged too (its length no longer leads to the next record), reading resumes
 * at the next frame whose record authenticates, and the bytes in between are
 * reported as one `bad-frame`. Only when no authentic record follows is the
 * end of the file a torn tail. A torn append is a prefix of one frame and
 * cannot contain a sealed record of this stream, so a crash is never mistaken
 * for damage, and damage mid-log never costs the records after it.
 */
export function openLog(cipher: DocumentCipher, bytes: Uint8Array): OpenedLog {
  const walker = new FrameWalker(cipher, bytes);
  const records: OpenedRecord[] = [];
  const problems: RecordProblem[] = [];
  let index = 0;
  let at = 0;
  const problem = (code: RecordProblemCode): void => {
    problems.push({ doc: cipher.doc, index, code });
    index += 1;
  };
  while (at < bytes.length) {
    const frame = walker.frameAt(at);
    const opened = frame === undefined ? undefined : cipher.open(frame.record);
    if (frame !== undefined && opened !== undefined && authentic(opened)) {
      if (opened.ok) records.push({ index, payload: opened.value });
      else problems.push({ doc: cipher.doc, index, code: opened.error });
      index += 1;
      at = frame.end;
      continue;
    }
    const next = walker.nextAuthentic(at + 1);
    if (frame === undefined) {
      if (next === undefined) break; // a torn tail
      problem('bad-frame');
      at = next;
    } else if (next !== undefined && next < frame.end) {
      // The length prefix is damaged: this "frame" swallows authentic ones.
      problem('bad-frame');
      at = next;
    } else {
      problem(opened?.ok === false ? opened.error : 'authentication-failed');
      at = frame.end;
    }
  }
  return {
    records,
    problems,
    frameCount: index,
    validLength: at,
    tornBytes: bytes.length - at,
  };
}

export { frameRecord };
