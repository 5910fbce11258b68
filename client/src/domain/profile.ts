/**
 * The `profile` document: the user's name and time zone (each with a clock,
 * lww.ts), and the labels of the user's devices by clock node, so a notice can
 * say "changed on Phone" (the `devices` map is created by a deterministic
 * change, documents.ts, and each device writes only its own label).
 */
import { clockAt, type ClockSource } from './clock';
import { str } from './documents';
import { isTimeZone } from './dates';
import { imm } from './fields';
import { StoredRecord, writeRootFields, type FieldPatch } from './lww';
import type { Profile, ProfileDoc } from './types';

export function readProfile(doc: ProfileDoc): Profile {
  const record = StoredRecord.root(doc);
  const name = record.value('name');
  const timezone = record.value('timezone');
  return {
    name: typeof name === 'string' ? name : '',
    timezone: typeof timezone === 'string' ? timezone : 'UTC',
    createdAt: doc.createdAt,
  };
}

/** Onboarded once a name has been saved (the genesis profile has an empty name). */
export function isOnboarded(doc: ProfileDoc): boolean {
  return readProfile(doc).name.trim() !== '';
}

/**
 * The zone to evaluate schedules in: the profile's, or UTC if this runtime
 * does not know it (a zone name set on a device with newer time zone data).
 */
export function effectiveTimeZone(doc: ProfileDoc): string {
  const tz = readProfile(doc).timezone;
  return isTimeZone(tz) ? tz : 'UTC';
}

export interface ProfilePatch {
  name?: string;
  /** An IANA zone; validate with parseTimeZone first. */
  timezone?: string;
}

export function updateProfile(
  d: ProfileDoc,
  patch: ProfilePatch,
  clock: ClockSource = clockAt(0),
): void {
  const fields: Record<string, string> = {};
  if (patch.name !== undefined) fields['name'] = patch.name;
  if (patch.timezone !== undefined) {
    if (!isTimeZone(patch.timezone)) throw new Error(`unknown time zone: ${patch.timezone}`);
    fields['timezone'] = patch.timezone;
  }
  writeRootFields(d as unknown as Record<string, unknown>, fields as FieldPatch, clock);
}

/** Onboarding: name, zone, and the creation time (kept from the first onboarding). */
export function onboard(
  d: ProfileDoc,
  input: { name: string; timezone: string; now: number; clock?: ClockSource },
): void {
  updateProfile(
    d,
    { name: input.name, timezone: input.timezone },
    input.clock ?? clockAt(input.now),
  );
  if (d.createdAt === 0) d.createdAt = input.now;
}

/** The label a device wrote for its clock node, if any. */
export function deviceLabel(doc: ProfileDoc, node: string): string | undefined {
  const label = doc.devices?.[node];
  return label === undefined ? undefined : str(label);
}

/**
 * Writes this device's label under its node. The `devices` map must exist
 * (ensureDeviceLabels). Returns false when it was already so.
 */
export function setDeviceLabel(d: ProfileDoc, node: string, label: string): boolean {
  if (d.devices === undefined) throw new Error('devices map not prepared: call ensureDeviceLabels');
  if (str(d.devices[node]) === label) return false;
  d.devices[node] = imm(label);
  return true;
}
