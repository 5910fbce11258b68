/**
 * The model a first visit's onboarding works with while the app opens behind
 * it (ui/Boot.tsx). A device with nothing of Cairn's on it (first-visit.ts)
 * has no profile, habits, check-ins or load problems, so the queries answer
 * that at once; every action waits for the app to open, then runs on it, so a
 * user who presses Start before Automerge's WASM, the crypto core and the
 * storage worker are here loses nothing and sees the same outcome, later.
 *
 * The screens that need more than onboarding's form (joining by pairing,
 * restoring from a phrase, and every screen after onboarding) are only shown
 * once the app is open (ui/lazy.tsx `Loaded`), so the few synchronous calls
 * that need the real app (a new phrase, a phrase's checksum, schedules,
 * export, import) cannot be reached from here: each throws if it is.
 */
import type { RecoveryControls, RecoveryView, RestoreOutcome } from '../app/features';
import type { AppModel } from '../app/model';
import type { ShellControls } from '../app/shell';
import type { Outcome } from '../app/types';

/** What recovery shows before its state is read: nothing under way. */
const NOT_LOADED: RecoveryView = {
  loaded: false,
  enabled: false,
  enabledAt: null,
  reminderDismissed: true,
  restoring: false,
  pending: null,
};

const noSubscribe = (): (() => void) => () => undefined;

function notOpen(call: string): never {
  throw new Error(`${call} was called before the app opened`);
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The local date (YYYY-MM-DD): with no profile yet, the browser's timezone is the user's. */
function localDate(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export interface PendingOptions {
  /** The app opening (boot/compose.ts `openApp`); the same promise the page shows once settled. */
  readonly opening: Promise<AppModel>;
  readonly shell: ShellControls;
  /** Where a restore looks by default: the relay that served this app. */
  readonly defaultRelayUrl: string;
  /** Told each time an action has to wait for the app, so the page can say so. */
  readonly onWait: () => void;
}

export function pendingModel(options: PendingOptions): AppModel {
  const { opening, onWait } = options;
  let open: AppModel | undefined;
  opening.then(
    (model) => {
      open = model;
    },
    () => undefined,
  );

  /** Runs `action` on the open app, after waiting for it if it is still opening. */
  const whenOpen = <T>(action: (model: AppModel) => Promise<T>): Promise<T> => {
    if (open !== undefined) return action(open);
    onWait();
    return opening.then(action);
  };
  /** An action with an `Outcome`: a failure to open is its outcome, as a message. */
  const act =
    <A extends unknown[]>(run: (model: AppModel, ...args: A) => Promise<Outcome>) =>
    (...args: A): Promise<Outcome> =>
      whenOpen((model) => run(model, ...args)).catch((e: unknown): Outcome => ({
        ok: false,
        message: `Cairn could not open its storage (${message(e)})`,
      }));
  /** The open app's recovery controls (this build always has them). */
  const recovery = (model: AppModel): RecoveryControls =>
    model.recovery ?? notOpen('recovery without recovery controls');

  const pendingRecovery: RecoveryControls = {
    subscribe: noSubscribe,
    view: () => NOT_LOADED,
    defaultRelayUrl: options.defaultRelayUrl,
    newPhrase: () => notOpen('recovery.newPhrase'),
    check: (): RestoreOutcome => notOpen('recovery.check'),
    canChange: act((m) => recovery(m).canChange()),
    enable: act((m, words: readonly string[]) => recovery(m).enable(words)),
    disable: act((m) => recovery(m).disable()),
    cancelChange: act((m) => recovery(m).cancelChange()),
    dismissReminder: () => whenOpen((m) => recovery(m).dismissReminder()),
    refresh: () => whenOpen((m) => recovery(m).refresh()),
    restore: (words, relayUrl, label) =>
      whenOpen((m) => recovery(m).restore(words, relayUrl, label)),
    defaultLabel: () => notOpen('recovery.defaultLabel'),
    finishRestore: () => whenOpen((m) => recovery(m).finishRestore()),
  };

  return {
    subscribe: noSubscribe,
    version: () => 0,
    profile: () => null,
    today: () => localDate(new Date()),
    categories: () => [],
    habits: () => [],
    dueOn: () => [],
    oneOffsOn: () => [],
    stats: () => notOpen('stats'),
    problems: () => [],
    dismissProblem: () => undefined,
    readPick: () => notOpen('readPick'),
    cronToPick: () => notOpen('cronToPick'),
    setProfile: act((m, profile: Parameters<AppModel['setProfile']>[0]) => m.setProfile(profile)),
    saveCategory: act((m, category: Parameters<AppModel['saveCategory']>[0]) =>
      m.saveCategory(category),
    ),
    deleteCategory: act((m, id: string) => m.deleteCategory(id)),
    restoreCategory: act((m, id: string) => m.restoreCategory(id)),
    createHabit: act((m, draft: Parameters<AppModel['createHabit']>[0]) => m.createHabit(draft)),
    updateHabit: act((m, id: string, draft: Parameters<AppModel['updateHabit']>[1]) =>
      m.updateHabit(id, draft),
    ),
    setArchived: act((m, id: string, archived: boolean) => m.setArchived(id, archived)),
    deleteHabit: act((m, id: string) => m.deleteHabit(id)),
    checkIn: act((m, habitId: string, date: string, update: Parameters<AppModel['checkIn']>[2]) =>
      m.checkIn(habitId, date, update),
    ),
    restoreMine: act((m, target: Parameters<AppModel['restoreMine']>[0]) => m.restoreMine(target)),
    keepTheirs: act((m, target: Parameters<AppModel['keepTheirs']>[0]) => m.keepTheirs(target)),
    addOneOff: act((m, title: string, date: string) => m.addOneOff(title, date)),
    setOneOffDone: act((m, id: string, done: boolean) => m.setOneOffDone(id, done)),
    deleteOneOff: act((m, id: string) => m.deleteOneOff(id)),
    exportJson: () => notOpen('exportJson'),
    exportCsv: () => notOpen('exportCsv'),
    previewImport: () => notOpen('previewImport'),
    wipe: act((m) => m.wipe()),
    recovery: pendingRecovery,
    shell: options.shell,
  };
}
