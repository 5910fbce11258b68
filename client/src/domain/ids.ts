/**
 * Deterministic check-in ids (DESIGN §2):
 *
 *   observation_id = hex(SHA-256(template_id ‖ "|" ‖ YYYY-MM-DD))[0..32]
 *
 * i.e. the first 32 lowercase hex digits (16 bytes) of the hash of the UTF-8
 * string `${templateId}|${date}`. Two devices that check in the
 * same habit on the same day write the same key and merge to one row. The
 * domain has no crypto, so the caller passes the hash function.
 *
 * Every other id (categories, habits, one-offs) is random and made by the
 * caller, so the domain stays deterministic.
 */
import type { LocalDate } from './dates';
import type { Sha256Hex } from './types';

export const OBSERVATION_ID_HEX_LENGTH = 32;

export function observationIdInput(templateId: string, date: LocalDate): string {
  return `${templateId}|${date}`;
}

export function observationId(templateId: string, date: LocalDate, sha256Hex: Sha256Hex): string {
  const hex = sha256Hex(observationIdInput(templateId, date)).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('sha256Hex must return 64 hex digits');
  return hex.slice(0, OBSERVATION_ID_HEX_LENGTH);
}
