/**
 * Decoding of relay frames: text → validated message, or a typed failure that
 * the relay turns into an `error` message (`bad-frame`: not JSON; `bad-message`:
 * JSON that fits no schema). Encoding is plain `JSON.stringify`.
 *
 * Work is linear in the frame and stops at the first issue (`abortEarly`):
 * every field's length is checked before its characters (fields.ts).
 */
import * as v from 'valibot';
import { err, ok, type Result } from '../errors.js';
import { ClientMessage, ServerMessage } from './messages.js';

export interface DecodeFailure {
  code: 'bad-frame' | 'bad-message';
  message: string;
  /** The request id, when the frame had a readable one, so the error can name it. */
  ref?: number;
}

function refOf(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null || !('id' in json)) return undefined;
  const id = json.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** Error messages name the field, never quote much of it: a valibot message can echo the value. */
export const ISSUE_MESSAGE_CHARS = 200;

/** The first issue as `path: message`, at most ISSUE_MESSAGE_CHARS characters. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid message';
  const path = v.getDotPath(first);
  const text = path === null ? first.message : `${path}: ${first.message}`;
  return text.length <= ISSUE_MESSAGE_CHARS ? text : `${text.slice(0, ISSUE_MESSAGE_CHARS - 1)}…`;
}

const describe = describeIssues;

/** Stop at the first issue: a bad frame costs no more than finding its first fault. */
export const PARSE_CONFIG = { abortEarly: true, abortPipeEarly: true } as const;

function decode<T>(schema: v.GenericSchema<unknown, T>, text: string): Result<T, DecodeFailure> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err({ code: 'bad-frame', message: 'frame is not JSON' });
  }
  const parsed = v.safeParse(schema, json, PARSE_CONFIG);
  if (parsed.success) return ok(parsed.output);
  const ref = refOf(json);
  const failure: DecodeFailure = { code: 'bad-message', message: describe(parsed.issues) };
  if (ref !== undefined) failure.ref = ref;
  return err(failure);
}

export const decodeClientMessage = (text: string): Result<ClientMessage, DecodeFailure> =>
  decode(ClientMessage, text);

export const decodeServerMessage = (text: string): Result<ServerMessage, DecodeFailure> =>
  decode(ServerMessage, text);

export const encodeMessage = (message: ClientMessage | ServerMessage): string =>
  JSON.stringify(message);
