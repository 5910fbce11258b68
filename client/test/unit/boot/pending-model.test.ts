/**
 * The model a first visit's onboarding works with while the app opens
 * (boot/pending-model.ts): it answers as an empty device would, and every
 * action waits for the app, then runs on it. The app here is the real
 * Controller over a document store on memory storage.
 */
import { fromHex, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../../src/app/controller';
import type { AppModel } from '../../../src/app/model';
import type { ShellControls } from '../../../src/app/shell';
import { createStore } from '../../../src/app/store';
import { pendingModel } from '../../../src/boot/pending-model';
import { MemoryFiles, MemoryLogStorage } from '../../../src/storage';

const K_MASTER = fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0' + '00112233445566778899aabbccddeeff');
const PROFILE = { name: 'Grace', timezone: 'Europe/Paris' };

async function openController(): Promise<Controller> {
  const storage = await MemoryLogStorage.open(new MemoryFiles());
  const store = createStore(storage, K_MASTER);
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  return new Controller({
    store,
    reports: loaded.value,
    wipe: () => Promise.resolve({ ok: true }),
  });
}

/** An opening the test settles when it chooses. */
function opening() {
  let resolve: (model: AppModel) => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<AppModel>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const shell = {} as ShellControls;
const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let k = 0; k < 10; k++) await Promise.resolve();
  return done;
};

beforeAll(async () => {
  await ready();
});

describe('the model before the app has opened', () => {
  it('answers as a device with nothing on it', () => {
    const app = opening();
    const model = pendingModel({
      opening: app.promise,
      shell,
      defaultRelayUrl: 'https://cairn.test',
      onWait: () => undefined,
    });
    expect(model.profile()).toBeNull();
    expect(model.habits()).toEqual([]);
    expect(model.categories()).toEqual([]);
    expect(model.problems()).toEqual([]);
    expect(model.dueOn(model.today())).toEqual([]);
    expect(model.today()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(model.shell).toBe(shell);
    // Onboarding offers a restore from the start; nothing is under way.
    expect(model.recovery?.view()).toMatchObject({ loaded: false, restoring: false });
    expect(model.recovery?.defaultRelayUrl).toBe('https://cairn.test');
    // What only the open app can answer is never asked before it is open.
    expect(() => model.recovery?.newPhrase()).toThrow(/before the app opened/);
    expect(() => model.exportJson()).toThrow(/before the app opened/);
  });

  it('Start pressed before the app opens waits for it, then sets the profile on it', async () => {
    const app = opening();
    let waits = 0;
    const model = pendingModel({
      opening: app.promise,
      shell,
      defaultRelayUrl: 'https://cairn.test',
      onWait: () => (waits += 1),
    });
    const started = model.setProfile(PROFILE);
    expect(waits).toBe(1);
    expect(await settled(started)).toBe(false);

    const controller = await openController();
    app.resolve(controller);
    expect(await started).toEqual({ ok: true });
    expect(controller.profile()).toEqual(PROFILE);

    // Once open, actions run at once: nothing more to wait for.
    expect(await model.setProfile({ ...PROFILE, name: 'Ada' })).toEqual({ ok: true });
    expect(waits).toBe(1);
    expect(controller.profile()?.name).toBe('Ada');
  });

  it("the open app's own refusal is the outcome", async () => {
    const app = opening();
    const model = pendingModel({
      opening: app.promise,
      shell,
      defaultRelayUrl: 'https://cairn.test',
      onWait: () => undefined,
    });
    const started = model.setProfile({ name: 'Grace', timezone: 'Mars/Olympus' });
    app.resolve(await openController());
    expect((await started).ok).toBe(false);
  });

  it('an app that fails to open makes a failed outcome, with the reason', async () => {
    const app = opening();
    const model = pendingModel({
      opening: app.promise,
      shell,
      defaultRelayUrl: 'https://cairn.test',
      onWait: () => undefined,
    });
    const started = model.setProfile(PROFILE);
    app.reject(new Error('the device key could not be opened (io)'));
    expect(await started).toEqual({
      ok: false,
      message: 'Cairn could not open its storage (the device key could not be opened (io))',
    });
  });
});
