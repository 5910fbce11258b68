/**
 * Relay protocol messages (docs/protocol.md "Relay protocol"), as valibot
 * schemas; each schema and its type share a name.
 *
 * Layout: one JSON object per WebSocket text frame, discriminated by `type`.
 * Bytes travel as canonical standard base64. Client requests carry an `id`
 * (an integer the client picks); the relay's answer to it carries `ref` = that id.
 * Unknown fields are ignored, so optional fields can be added within a version.
 *
 * Versioning and error codes: see constants.ts.
 */
import * as v from 'valibot';
import {
  ERROR_CODES,
  MAX_DEVICES_CEILING,
  MAX_LABEL_LENGTH,
  MAX_PULL_LIMIT_CEILING,
  MAX_STREAMS_CEILING,
} from './constants.js';
import {
  boundedArray,
  ChallengeB64,
  DataB64,
  EventIdB64,
  Label,
  Message,
  Millis,
  PublicKeyB64,
  RequestId,
  Seq,
  SignatureB64,
  StreamIdB64,
  Uuid,
} from './fields.js';

const Version = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const Limit = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

// ── Client → relay ──────────────────────────────────────────────────────────

/** First message on a connection: proves the device holds its Ed25519 key. */
export const AuthMessage = v.object({
  type: v.literal('auth'),
  v: Version,
  accountId: Uuid,
  deviceId: Uuid,
  /** Ed25519 over `authPayload(challenge, accountId, deviceId)`. */
  signature: SignatureB64,
});
export type AuthMessage = v.InferOutput<typeof AuthMessage>;

/** Stores one sealed event; idempotent on (account, streamId, eventId). */
export const PushRequest = v.object({
  type: v.literal('push'),
  id: RequestId,
  streamId: StreamIdB64,
  eventId: EventIdB64,
  data: DataB64,
  /** Present on a snapshot: the pusher's pull cursor when it compacted. */
  coversSeq: v.optional(Seq),
});
export type PushRequest = v.InferOutput<typeof PushRequest>;

/** Events of a stream with seq > `after`, oldest first. */
export const PullRequest = v.object({
  type: v.literal('pull'),
  id: RequestId,
  streamId: StreamIdB64,
  after: Seq,
  limit: v.optional(Limit),
});
export type PullRequest = v.InferOutput<typeof PullRequest>;

/** The newest snapshot of a stream, then the events after what it covers. */
export const BootstrapRequest = v.object({
  type: v.literal('bootstrap'),
  id: RequestId,
  streamId: StreamIdB64,
  limit: v.optional(Limit),
});
export type BootstrapRequest = v.InferOutput<typeof BootstrapRequest>;

export const StreamsRequest = v.object({ type: v.literal('streams'), id: RequestId });
export type StreamsRequest = v.InferOutput<typeof StreamsRequest>;

export const DevicesRequest = v.object({ type: v.literal('devices'), id: RequestId });
export type DevicesRequest = v.InferOutput<typeof DevicesRequest>;

export const RelabelRequest = v.object({
  type: v.literal('relabel'),
  id: RequestId,
  deviceId: Uuid,
  label: Label,
});
export type RelabelRequest = v.InferOutput<typeof RelabelRequest>;

/** A device of the account adds another (pairing: A registers B once the SAS matched). */
export const AddDeviceRequest = v.object({
  type: v.literal('add-device'),
  id: RequestId,
  device: v.object({
    deviceId: Uuid,
    signingKey: PublicKeyB64,
    boxKey: PublicKeyB64,
    label: Label,
  }),
});
export type AddDeviceRequest = v.InferOutput<typeof AddDeviceRequest>;

export const RevokeRequest = v.object({
  type: v.literal('revoke'),
  id: RequestId,
  deviceId: Uuid,
});
export type RevokeRequest = v.InferOutput<typeof RevokeRequest>;

/** Application-level liveness check (browsers cannot send WebSocket pings). */
export const PingRequest = v.object({ type: v.literal('ping'), id: RequestId });
export type PingRequest = v.InferOutput<typeof PingRequest>;

export const ClientMessage = v.variant('type', [
  AuthMessage,
  PushRequest,
  PullRequest,
  BootstrapRequest,
  StreamsRequest,
  DevicesRequest,
  RelabelRequest,
  AddDeviceRequest,
  RevokeRequest,
  PingRequest,
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;
export type ClientRequest = Exclude<ClientMessage, AuthMessage>;

// ── Relay → client ──────────────────────────────────────────────────────────

export const RelayLimits = v.object({
  maxEventBytes: Limit,
  maxFrameBytes: Limit,
  maxPullLimit: Limit,
  maxPageBytes: Limit,
  pushRate: Limit,
  pushBurst: Limit,
  /** Sealed bytes of one socket's pushes that may wait for commit at once (newer relays). */
  maxQueuedBytes: v.optional(Limit),
});
export type RelayLimits = v.InferOutput<typeof RelayLimits>;

/** First frame from the relay on every connection. */
export const HelloMessage = v.object({
  type: v.literal('hello'),
  v: Version,
  challenge: ChallengeB64,
  limits: RelayLimits,
});
export type HelloMessage = v.InferOutput<typeof HelloMessage>;

export const ReadyMessage = v.object({
  type: v.literal('ready'),
  accountId: Uuid,
  deviceId: Uuid,
});
export type ReadyMessage = v.InferOutput<typeof ReadyMessage>;

/** Sent only after the event is committed. A retry gets the original seq. */
export const AckMessage = v.object({
  type: v.literal('ack'),
  ref: RequestId,
  seq: v.pipe(Seq, v.minValue(1)),
  /** True when the event was already stored (this push was a retry). */
  duplicate: v.boolean(),
});
export type AckMessage = v.InferOutput<typeof AckMessage>;

/** One stored event. `coversSeq` marks a snapshot. */
export const WireEvent = v.object({
  seq: v.pipe(Seq, v.minValue(1)),
  eventId: EventIdB64,
  data: DataB64,
  coversSeq: v.optional(Seq),
});
export type WireEvent = v.InferOutput<typeof WireEvent>;

/** Answer to `pull` and `bootstrap`. */
export const EventsMessage = v.object({
  type: v.literal('events'),
  ref: RequestId,
  streamId: StreamIdB64,
  /** The cursor this page starts after (for bootstrap: the snapshot's coversSeq, or 0). */
  after: Seq,
  /** Bootstrap only: the snapshot the page starts from; not repeated in `events`. */
  snapshot: v.optional(WireEvent),
  events: boundedArray(WireEvent, MAX_PULL_LIMIT_CEILING),
  /** The cursor to pull after next. */
  next: Seq,
  hasMore: v.boolean(),
  /** The stream's head seq when the page was read. */
  head: Seq,
});
export type EventsMessage = v.InferOutput<typeof EventsMessage>;

/** Fan-out: an event another device of this account just pushed. */
export const EventMessage = v.object({
  type: v.literal('event'),
  streamId: StreamIdB64,
  seq: v.pipe(Seq, v.minValue(1)),
  eventId: EventIdB64,
  data: DataB64,
  coversSeq: v.optional(Seq),
});
export type EventMessage = v.InferOutput<typeof EventMessage>;

export const StreamHead = v.object({
  streamId: StreamIdB64,
  head: Seq,
  /** The newest snapshot's coversSeq, when the stream has one (bootstrap starts there). */
  snapshotCovers: v.optional(Seq),
});
export type StreamHead = v.InferOutput<typeof StreamHead>;

export const StreamsMessage = v.object({
  type: v.literal('streams'),
  ref: RequestId,
  streams: boundedArray(StreamHead, MAX_STREAMS_CEILING),
});
export type StreamsMessage = v.InferOutput<typeof StreamsMessage>;

export const DeviceInfo = v.object({
  deviceId: Uuid,
  label: v.pipe(v.string(), v.maxLength(MAX_LABEL_LENGTH)),
  createdAt: Millis,
  lastSeenAt: v.nullable(Millis),
  revokedAt: v.nullable(Millis),
  /** True for the device that asked. */
  current: v.boolean(),
  /**
   * True while the device has a live session on the relay process that
   * answered (its `lastSeenAt` is then the time of the answer). Optional: a
   * relay without it only says when each device last connected or left.
   */
  online: v.optional(v.boolean()),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfo>;

export const DevicesMessage = v.object({
  type: v.literal('devices'),
  ref: RequestId,
  devices: boundedArray(DeviceInfo, MAX_DEVICES_CEILING),
});
export type DevicesMessage = v.InferOutput<typeof DevicesMessage>;

export const OkMessage = v.object({ type: v.literal('ok'), ref: RequestId });
export type OkMessage = v.InferOutput<typeof OkMessage>;

export const PongMessage = v.object({ type: v.literal('pong'), ref: RequestId });
export type PongMessage = v.InferOutput<typeof PongMessage>;

export const ErrorCodeSchema = v.picklist(ERROR_CODES);

/** Any failure; `ref` names the request when the relay could read its id. */
export const ErrorMessage = v.object({
  type: v.literal('error'),
  code: ErrorCodeSchema,
  message: Message,
  ref: v.optional(RequestId),
  retryAfterMs: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});
export type ErrorMessage = v.InferOutput<typeof ErrorMessage>;

export const ServerMessage = v.variant('type', [
  HelloMessage,
  ReadyMessage,
  AckMessage,
  EventsMessage,
  EventMessage,
  StreamsMessage,
  DevicesMessage,
  OkMessage,
  PongMessage,
  ErrorMessage,
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

// ── HTTP ────────────────────────────────────────────────────────────────────

/** `POST /v1/accounts`: a new account with its first device. Ids are the client's. */
export const RegisterRequest = v.object({
  v: Version,
  accountId: Uuid,
  deviceId: Uuid,
  signingKey: PublicKeyB64,
  boxKey: PublicKeyB64,
  label: Label,
  /** Ed25519 by `signingKey` over `registerPayload(...)`: proof of possession. */
  signature: SignatureB64,
});
export type RegisterRequest = v.InferOutput<typeof RegisterRequest>;

export const RegisterResponse = v.object({
  accountId: Uuid,
  deviceId: Uuid,
  /** False when the same registration was already stored (a retry). */
  created: v.boolean(),
});
export type RegisterResponse = v.InferOutput<typeof RegisterResponse>;

/** Body of every HTTP error: the same shape as the WebSocket `error`. */
export const HttpError = ErrorMessage;
export type HttpError = ErrorMessage;
