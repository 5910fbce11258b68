/** The `profile` document: the user's name and time zone. */
import { str } from './documents';
import { isTimeZone } from './dates';
import { differs, imm } from './fields';
import type { Profile, ProfileDoc } from './types';

export function readProfile(doc: ProfileDoc): Profile {
  return { name: str(doc.name), timezone: str(doc.timezone), createdAt: doc.createdAt };
}

/** Onboarded once a name has been saved (the genesis profile has an empty name). */
export function isOnboarded(doc: ProfileDoc): boolean {
  return str(doc.name).trim() !== '';
}

/**
 * The zone to evaluate schedules in: the profile's, or UTC if this runtime
 * does not know it (a zone name set on a device with newer time zone data).
 */
export function effectiveTimeZone(doc: ProfileDoc): string {
  const tz = str(doc.timezone);
  return isTimeZone(tz) ? tz : 'UTC';
}

export interface ProfilePatch {
  name?: string;
  /** An IANA zone; validate with parseTimeZone first. */
  timezone?: string;
}

export function updateProfile(d: ProfileDoc, patch: ProfilePatch): void {
  if (patch.name !== undefined && differs(d.name, patch.name)) d.name = imm(patch.name);
  if (patch.timezone !== undefined && differs(d.timezone, patch.timezone)) {
    if (!isTimeZone(patch.timezone)) throw new Error(`unknown time zone: ${patch.timezone}`);
    d.timezone = imm(patch.timezone);
  }
}

/** Onboarding: name, zone, and the creation time (kept from the first onboarding). */
export function onboard(
  d: ProfileDoc,
  input: { name: string; timezone: string; now: number },
): void {
  updateProfile(d, { name: input.name, timezone: input.timezone });
  if (d.createdAt === 0) d.createdAt = input.now;
}
