/**
 * The relay protocol (docs/protocol.md "Relay protocol"): constants, message
 * schemas, frame codecs, the signed auth bytes, and a transport-agnostic client.
 */
export * from './constants.js';
export * from './fields.js';
export * from './messages.js';
export * from './codec.js';
export * from './auth.js';
export * from './client.js';
export * from './recovery.js';
export * from './pairing-relay.js';
