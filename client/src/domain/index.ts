/**
 * Cairn's domain: pure TypeScript over the five Automerge documents
 * (DESIGN §2). No DOM, crypto, storage, network, clock or randomness: the
 * caller passes ids, `now` (ms), today's date, a clock source (clock.ts) and
 * a SHA-256 function.
 *
 * How the app uses it:
 *
 *   // create (first launch) — every device starts from the same genesis
 *   let obs = initialDocument('observations');            // or Automerge.load(bytes)
 *   // edit: one command per user action (commands.ts), checked before it writes
 *   const next = recordCheckIn(obs, habit, date, { status: 'done' }, context);
 *   if (!next.ok) say(next.error);                         // a DomainError code
 *   persist(Automerge.getChanges(obs, next.value));        // the new year's buckets too
 *   // read (plain values for React)
 *   agendaFor(templates, obs, today, timeZone, sha256Hex);
 *
 * The app runs each command through `DocumentStore.transact`, which does the
 * persisting (one sealed record per document) and applies received changes
 * in one batch.
 *
 * Strings inside the documents are Automerge ImmutableStrings; always read
 * through the readers here (listHabits, observationsOn, …), which return
 * plain values.
 *
 * Do not initialise Automerge's WASM here: the app entry does that.
 */

export type { LocalDate, MonthKey } from './dates';
export {
  addDays,
  daysBetween,
  eachDay,
  isLocalDate,
  isoWeek,
  isTimeZone,
  monthOf,
  monthsBetween,
  parseLocalDate,
  parseTimeZone,
  startOfWeek,
  todayIn,
  weekday,
} from './dates';

export type { DomainError, DomainErrorCode, Result } from './result';

export * from './types';

export {
  DEVICES_ACTOR,
  GENESIS_ACTOR,
  devicesChange,
  ensureDeviceLabels,
  ensureObservationMonths,
  ensureOneOffMonths,
  genesis,
  genesisChange,
  initialDocument,
  str,
  yearActor,
  yearChange,
} from './documents';

export { OBSERVATION_ID_HEX_LENGTH, observationId, observationIdInput } from './ids';

export {
  deviceLabel,
  effectiveTimeZone,
  isOnboarded,
  onboard,
  readProfile,
  setDeviceLabel,
  updateProfile,
} from './profile';
export type { ProfilePatch } from './profile';

export {
  addCategory,
  deleteCategory,
  getCategory,
  isCategoryDeleted,
  listCategories,
  restoreCategory,
  updateCategory,
} from './categories';
export type { CategoryInput, CategoryPatch } from './categories';

export {
  addHabit,
  archiveHabit,
  clearCategory,
  deleteHabit,
  getHabit,
  habitRecord,
  listHabits,
  mergeScheduleHistory,
  setSchedule,
  updateHabit,
} from './habits';
export type { EditContext, HabitInput, HabitPatch } from './habits';

export {
  CHECK_IN_FIELDS,
  allObservations,
  checkIn,
  checkInRecord,
  deleteObservationsOf,
  getObservation,
  habitsWithCheckIns,
  indexObservations,
  monthsOf,
  observationsBetween,
  observationsOn,
  undoCheckIn,
} from './checkins';
export type { CheckInInput, ObservationIndex } from './checkins';

export {
  addOneOff,
  allOneOffs,
  deleteOneOff,
  getOneOff,
  oneOffsBetween,
  oneOffsOn,
  toggleOneOff,
  updateOneOff,
} from './oneoffs';
export type { OneOffInput, OneOffPatch } from './oneoffs';

export {
  dayFieldsOf,
  isScheduledOn,
  isValidCron,
  nextScheduledDays,
  scheduledDays,
  validateCron,
  validateDayFields,
} from './schedule';
export { cronRule, isScheduledUnder, latestRule, ruleOn, sameRule, scheduledDaysIn } from './rules';
export type { ScheduleEntry, ScheduleRule } from './rules';
export {
  DAILY_CRON,
  LAST_DAY_CRON,
  UNIT_WORDS,
  WEEKDAYS_CRON,
  WEEKDAY_LONG,
  WEEKDAY_SHORT,
  WEEK_ORDER,
  cronToPick,
  describeSchedule,
  listPhrase,
  ordinal,
  pickToCron,
  unitOf,
} from './picker';
export type { SchedulePick, ScheduleUnit, Weekday } from './picker';

export { HybridClock, UNKNOWN_NODE, clockAt, formatHlc, isNode, maxHlc, parseHlc } from './clock';
export type { ClockSource, Hlc, ParsedHlc } from './clock';
export { StoredRecord, beats, clockKey, compareOps, writeFields } from './lww';
export type { Cell, FieldPatch, Scalar } from './lww';

export { agendaFor } from './agenda';
export type { AgendaItem } from './agenda';

export {
  completionRates,
  dayOutcome,
  habitDays,
  habitUnit,
  heatmap,
  isComplete,
  progress,
  streakSeries,
  streaks,
} from './summaries';
export type {
  DayOutcome,
  HabitDay,
  HeatCell,
  PeriodStats,
  StreakPoint,
  Streaks,
} from './summaries';

export { EXPORT_FORMAT, EXPORT_VERSION, ExportData, ExportRule, parseImportJson } from './format';
export { exportCsv, exportJson, toCsv } from './export';
export type { CsvFile, Docs } from './export';
export {
  IMPORT_ORDER,
  applyImport,
  importCategories,
  importCheckIns,
  importHabits,
  importMonths,
  importOneOffs,
  importParts,
  importProfile,
  knownHabits,
  unknownHabitCheckIns,
} from './import';
export type { AutomergeDocs, ImportContext, ImportOptions } from './import';

export {
  bringBackCategory,
  createCategory,
  createHabit,
  createOneOff,
  editCategory,
  editHabit,
  labelDevice,
  markOneOff,
  recordCheckIn,
  removeCategory,
  removeCheckInsOf,
  removeHabit,
  removeOneOff,
  saveProfile,
  setArchived,
} from './commands';
export type { CheckInUpdate, ProfileInput } from './commands';
