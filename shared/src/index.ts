/**
 * @cairn/shared — Cairn's formats and crypto core (DESIGN §3). Pure: bytes in,
 * bytes out; no files, sockets or browser APIs. Await `ready()` once first.
 */
export { ready } from './sodium.js';
export * from './errors.js';
export * from './bytes.js';
export { sha256, hmacSha256, hkdf, hkdfExtract, hkdfExpand } from './kdf.js';
export {
  aeadEncrypt,
  aeadDecrypt,
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
} from './aead.js';
export {
  RECORD_VERSION,
  RECORD_OVERHEAD,
  KEY_BYTES,
  STREAM_ID_BYTES,
  NONCE_BYTES,
  TAG_BYTES,
  streamKey,
  streamId,
  recordKey,
  sealRecord,
  openRecord,
  tryOpenRecord,
  sealWithRecordKey,
  openWithRecordKey,
} from './record.js';
export { frameRecord, parseFrames, FRAME_HEADER_BYTES, type ParsedFrames } from './frame.js';
export { pad, unpad, paddedLength } from './padding.js';
export * from './recovery.js';
export * from './identity.js';
export * from './uuid.js';
export * from './pairing/index.js';
export * from './protocol/index.js';
