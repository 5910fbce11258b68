/**
 * The contract between the UI and the rest of the app. The UI reads through the query
 * methods and writes through the actions; each action resolves once the change is
 * durably appended to the local log, so the UI updates then, with no spinner.
 */
import type {
  CategoryView,
  CheckInUpdate,
  CsvFileView,
  CheckInView,
  HabitDraft,
  HabitStats,
  HabitView,
  ImportPreview,
  LoadProblemView,
  OneOffView,
  Outcome,
  ProfileView,
  ConflictTarget,
  ScheduleCheck,
  SchedulePick,
  SyncControls,
} from './types';
import type { DevicesControls, PairingControls, RecoveryControls } from './features';
import type { ShellControls } from './shell';

export interface AppModel {
  /** useSyncExternalStore: `version()` changes after every change to any document. */
  subscribe(listener: () => void): () => void;
  version(): number;

  profile(): ProfileView | null;
  /** Today's date (YYYY-MM-DD) in the user's timezone. */
  today(): string;
  categories(): CategoryView[];
  habits(): HabitView[];
  /** The check-ins due on `date` by the rule in force then, and any made that day. */
  dueOn(date: string): CheckInView[];
  oneOffsOn(date: string): OneOffView[];
  stats(habitId: string): HabitStats;
  problems(): LoadProblemView[];
  dismissProblem(id: string): void;

  /** The cron a picker setting writes and its sentence, or why it is not a schedule. */
  readPick(pick: SchedulePick): ScheduleCheck;
  cronToPick(cron: string): SchedulePick;

  setProfile(profile: ProfileView): Promise<Outcome>;
  saveCategory(category: Omit<CategoryView, 'id'> & { id?: string }): Promise<Outcome>;
  /** Deletes a category; its habits show no colour until `restoreCategory` undoes it. */
  deleteCategory(id: string): Promise<Outcome>;
  restoreCategory(id: string): Promise<Outcome>;
  createHabit(draft: HabitDraft): Promise<Outcome>;
  updateHabit(id: string, draft: HabitDraft): Promise<Outcome>;
  setArchived(id: string, archived: boolean): Promise<Outcome>;
  deleteHabit(id: string): Promise<Outcome>;
  checkIn(habitId: string, date: string, update: CheckInUpdate): Promise<Outcome>;
  /** After a conflict (ConflictView): writes this device's values again. */
  restoreMine(target: ConflictTarget): Promise<Outcome>;
  /** After a conflict: keeps the other device's values and clears the notice. */
  keepTheirs(target: ConflictTarget): Promise<Outcome>;
  addOneOff(title: string, date: string): Promise<Outcome>;
  setOneOffDone(id: string, done: boolean): Promise<Outcome>;
  deleteOneOff(id: string): Promise<Outcome>;

  exportJson(): string;
  /** One CSV table per file (check-ins, habits, one-offs). */
  exportCsv(): CsvFileView[];
  previewImport(text: string): ImportPreview | { error: string };
  /** Deletes every local document and key; the app starts over. */
  wipe(): Promise<Outcome>;

  /** Sync with a relay, when this build has it (absent in tests of the UI alone). */
  readonly sync?: SyncControls;
  /** The recovery phrase: Settings → Recovery and restoring on a fresh install. */
  readonly recovery?: RecoveryControls;
  /** Pairing: "Add a device" here, "I already use Cairn" on a fresh install. */
  readonly pairing?: PairingControls;
  /** The account's devices, and revoking one. */
  readonly devices?: DevicesControls;
  /** The page: reload, print, clipboard, downloads, camera, route (absent in UI-only tests). */
  readonly shell?: ShellControls;
}
