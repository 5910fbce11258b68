/**
 * Zero-knowledge audit (reliability promise 7): what the relay can see holds
 * nothing the user typed and no key.
 *
 *   "Every byte that leaves the device is sealed under a key that only your own
 *    devices share; the relay never holds a key; it logs no payloads."
 *
 * Two real Chromium devices and the real server (relay/dist/main.js serving
 * the built app) on a real Postgres, its log at `debug`. Device A types a
 * canary string into every user field (name, category, habit, habit notes,
 * check-in note, one-off), turns sync on, pairs device B (typed code, SAS),
 * and turns recovery on. Every WebSocket frame both browsers send or receive
 * is captured through CDP (and every HTTP request body too). Then three
 * artifacts are scanned: `pg_dump` of the relay's database, the relay's log,
 * and the captured traffic. Needles: the canaries, K_master, K_record,
 * K_stream (recovered from the escrow blob with the phrase), the recovery
 * phrase, and the plaintext Automerge change bytes of every stored event
 * (decrypted with K_master). Each artifact is searched as text and after
 * decoding every base64 and hex run in it. Pass: 0 hits.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import {
  fromHex,
  openRecord,
  openRecoveryBlob,
  ready,
  recordKey,
  recoveryKeys,
  streamId,
  streamKey,
  toHex,
  unpad,
  utf8,
} from '@cairn/shared';
import type { CDPSession, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { findPostgresBin, startPostgres, type PostgresCluster } from '../test/support/postgres.js';
import { addCategory, checkIn, goTo, habitRow, onboard, openApp } from './support/app.js';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

await ready();

const TIMEOUT = 90_000;
const tag = toHex(crypto.getRandomValues(new Uint8Array(6)));
const CANARIES = {
  name: `Zed canary name ${tag}`,
  category: `canary category ${tag}`,
  habit: `canary habit ${tag}`,
  habitNotes: `canary habit notes ${tag}`,
  note: `canary check-in note ${tag}`,
  oneOff: `canary one-off ${tag}`,
  later: `canary later edit ${tag}`,
};
const DOCS = ['profile', 'categories', 'templates', 'observations', 'oneOffs'];

let pg: PostgresCluster | undefined;
let server: RelayChild | undefined;
const devices: Device[] = [];
/** Every WebSocket payload and HTTP request body the browsers sent or received. */
const traffic: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  server = await startAppServer({ DATABASE_URL: pg.url, LOG_LEVEL: 'debug' });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
    console.error(`server output:\n${server?.output().slice(-20_000) ?? ''}`);
  }
  // Everything ran under the relay's Content-Security-Policy, with no violation.
  expectNoCspViolations(devices);
});

afterAll(async () => {
  for (const d of devices) await d.close();
  await server?.stop();
  pg?.destroy();
});

/** A device whose WebSocket frames and request bodies land in `traffic`. */
async function tappedDevice(): Promise<Device> {
  const d = await launchDevice();
  devices.push(d);
  const cdp: CDPSession = await d.context.newCDPSession(d.page);
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameSent', (e) => traffic.push(e.response.payloadData));
  cdp.on('Network.webSocketFrameReceived', (e) => traffic.push(e.response.payloadData));
  cdp.on('Network.requestWillBeSent', (e) => {
    traffic.push(e.request.url);
    if (e.request.postData !== undefined) traffic.push(e.request.postData);
  });
  return d;
}

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');
const waitStatus = (page: Page, text: string | RegExp) =>
  statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });

// ── the scan ────────────────────────────────────────────────────────────────

const BASE64_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;
const HEX_RUN = /(?:\\x)?([0-9a-fA-F]{32,})/g;

/** The text as bytes, and every base64 or hex run in it decoded (at each alignment). */
function views(text: string): Uint8Array[] {
  const out: Uint8Array[] = [utf8(text)];
  for (const m of text.matchAll(BASE64_RUN)) {
    const run = m[0].replace(/=+$/, '');
    // Phase 0 decodes a run that starts where its encoding starts (after a quote, a
    // slash); the other phases cover an encoding glued to other letters before it.
    for (let phase = 0; phase < 4; phase += 1) {
      // Node decodes a run without its padding, to its last whole byte.
      out.push(new Uint8Array(Buffer.from(run.slice(phase), 'base64')));
    }
  }
  for (const m of text.matchAll(HEX_RUN)) {
    const run = m[1] ?? '';
    for (let phase = 0; phase < 2; phase += 1) {
      const part = run.slice(phase);
      out.push(new Uint8Array(Buffer.from(part.slice(0, part.length - (part.length % 2)), 'hex')));
    }
  }
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}

interface Needle {
  what: string;
  bytes: Uint8Array;
}

function scan(artifact: string, text: string, needles: readonly Needle[]): string[] {
  const hits: string[] = [];
  const hay = views(text);
  for (const n of needles) {
    if (hay.some((h) => contains(h, n.bytes))) hits.push(`${n.what} in ${artifact}`);
  }
  return hits;
}

/** The plaintext Automerge changes of a sealed event (DESIGN §3.3, client sealed-log format). */
function changesOf(kMaster: Uint8Array, stream: Uint8Array, sealed: Uint8Array): Uint8Array[] {
  const plain = unpad(openRecord(kMaster, stream, sealed));
  if (plain[0] === 0x02)
    return A.getAllChanges(A.load(plain.subarray(1), { allowMissingChanges: true }));
  const out: Uint8Array[] = [];
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  for (let at = 1; at + 4 <= plain.length;) {
    const len = view.getUint32(at, true);
    out.push(plain.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

// ── the flow ────────────────────────────────────────────────────────────────

it('leaves no canary, key, phrase or plaintext change in the database, the log or the traffic', async () => {
  if (server === undefined || pg === undefined) throw new Error('no server');
  const url = server.url;

  // A: every field a user types into gets a canary.
  const a = await tappedDevice();
  await openApp(a.page, url);
  await onboard(a.page, CANARIES.name);
  await addCategory(a.page, CANARIES.category);
  await goTo(a.page, 'Habits');
  await a.page.getByRole('button', { name: 'New habit' }).click();
  const form = a.page.getByRole('form', { name: 'New habit' });
  await form.getByLabel('Name', { exact: true }).fill(CANARIES.habit);
  await form.getByLabel('Category').selectOption({ label: CANARIES.category });
  await form.getByLabel('Notes').fill(CANARIES.habitNotes);
  await form.getByRole('button', { name: 'Save habit' }).click();
  await habitRow(a.page, CANARIES.habit).waitFor({ timeout: TIMEOUT });
  await checkIn(a.page, CANARIES.habit);
  await a.page.getByRole('button', { name: `Note: ${CANARIES.habit}` }).click();
  await a.page.getByLabel(`Note for ${CANARIES.habit}`).fill(CANARIES.note);
  await a.page.getByRole('button', { name: 'Save note' }).click();
  await a.page.getByLabel('New one-off for today').fill(CANARIES.oneOff);
  await a.page.getByRole('button', { name: 'Add', exact: true }).click();
  await a.page.getByText(CANARIES.oneOff).waitFor({ timeout: TIMEOUT });

  // Sync on.
  await goTo(a.page, 'Settings');
  await a.page.getByLabel('Sync with a relay').check();
  await a.page.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(a.page, 'Synced');

  // Pair B by typed code.
  await goTo(a.page, 'Settings');
  const add = a.page.getByRole('button', { name: 'Add a device' });
  await add.and(a.page.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await add.click();
  const codeLabel = a.page.getByLabel('Pairing code');
  await codeLabel.waitFor({ timeout: TIMEOUT });
  const code = (await codeLabel.innerText()).trim();
  const b = await tappedDevice();
  await openApp(b.page, url);
  await b.page.getByRole('button', { name: 'I already use Cairn on another device' }).click();
  await b.page.getByLabel('Pairing code').fill(code);
  await b.page.getByRole('button', { name: 'Join', exact: true }).click();
  await a.page.getByTestId('sas').waitFor({ timeout: TIMEOUT });
  await b.page.getByTestId('sas').waitFor({ timeout: TIMEOUT });
  await a.page.getByRole('button', { name: 'They match' }).click();
  await a.page.getByRole('heading', { name: 'Device added' }).waitFor({ timeout: TIMEOUT });
  await b.page.getByRole('button', { name: 'They match' }).click();
  await b.page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
  await waitStatus(b.page, 'Synced');
  await a.page.getByRole('button', { name: 'Done' }).click();

  // Recovery on, reading the words off the screen as a user would.
  await goTo(a.page, 'Settings');
  const panel = a.page.getByTestId('recovery-settings');
  await panel.getByRole('button', { name: 'Set up a recovery phrase' }).click();
  const sheet = panel.getByTestId('recovery-phrase');
  await sheet.waitFor({ timeout: TIMEOUT });
  const words = await sheet.getByRole('listitem').allInnerTexts();
  expect(words).toHaveLength(12);
  await panel.getByRole('button', { name: 'I have written them down' }).click();
  const quiz = panel.locator('input[id^="quiz-"]');
  for (const id of await quiz.evaluateAll((els) => els.map((e) => e.id))) {
    await panel.locator(`#${id}`).fill(words[Number(id.replace('quiz-', ''))] ?? '');
  }
  await panel.getByRole('button', { name: 'Turn on recovery' }).click();
  await panel.getByText('Recovery is on').waitFor({ timeout: TIMEOUT });
  const phrase = words.join(' ');

  // One more edit on B after pairing, so fan-out carries it to A.
  await b.page.getByLabel('New one-off for today').fill(CANARIES.later);
  await b.page.getByRole('button', { name: 'Add', exact: true }).click();
  await goTo(a.page, 'Today');
  await a.page.getByText(CANARIES.later).waitFor({ timeout: TIMEOUT });
  await waitStatus(a.page, 'Synced');
  await waitStatus(b.page, 'Synced');

  // K_master, from the escrow blob and the phrase (the relay cannot do this).
  const { recoveryId } = recoveryKeys(phrase);
  const got = await fetch(`${server.url}v1/recovery/${toHex(recoveryId)}`);
  expect(got.status).toBe(200);
  const blobJson: unknown = await got.json();
  const blob64 =
    typeof blobJson === 'object' && blobJson !== null && 'blob' in blobJson
      ? String(blobJson.blob)
      : '';
  const { kMaster } = openRecoveryBlob(phrase, new Uint8Array(Buffer.from(blob64, 'base64')));

  // Every stored event, opened: its plaintext changes are needles too.
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const rows = await sql`SELECT encode(stream_id, 'hex') s, encode(data, 'hex') d FROM events`;
  await sql.end({ timeout: 5 });
  const streams = new Map(
    DOCS.map((doc) => [toHex(streamId(kMaster, doc)), streamId(kMaster, doc)]),
  );
  const changes: Uint8Array[] = [];
  for (const row of rows) {
    const stream = streams.get(String(row['s']));
    if (stream === undefined) continue;
    changes.push(...changesOf(kMaster, stream, fromHex(String(row['d']))));
  }
  expect(rows.length).toBeGreaterThan(5);
  expect(changes.length).toBeGreaterThan(5);
  // Sanity: the canaries are in the plaintext the relay must not see.
  const plaintext = Buffer.concat(changes.map((c) => Buffer.from(c)));
  expect(plaintext.includes(Buffer.from(CANARIES.oneOff))).toBe(true);

  const needles: Needle[] = [
    ...Object.entries(CANARIES).map(([k, v]) => ({ what: `canary ${k}`, bytes: utf8(v) })),
    { what: 'K_master', bytes: kMaster },
    { what: 'K_record', bytes: recordKey(kMaster) },
    { what: 'K_stream', bytes: streamKey(kMaster) },
    { what: 'recovery phrase', bytes: utf8(phrase) },
    ...words.slice(0, -1).map((w, i) => ({
      what: `phrase words ${i + 1}–${i + 2}`,
      bytes: utf8(`${w} ${words[i + 1] ?? ''}`),
    })),
    ...changes.flatMap((c, i) => [
      { what: `plaintext change ${i}`, bytes: c },
      { what: `plaintext change ${i} (head)`, bytes: c.subarray(0, 32) },
    ]),
  ];

  // The artifacts: the database, the log, the traffic.
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error('pg_dump not found');
  const dump = spawnSync(
    join(bin, 'pg_dump'),
    ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'postgres'],
    {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  expect(dump.status).toBe(0);
  expect(dump.stdout).toContain('CREATE TABLE public.events');
  const log = server.output();
  expect(log.length).toBeGreaterThan(0);
  const frames = traffic.join('\n');
  expect(traffic.some((t) => t.includes('"type":"push"'))).toBe(true);
  expect(traffic.some((t) => t.includes('pairing'))).toBe(true);

  // The scanner finds a needle however it is encoded, wherever it starts.
  for (const prefix of ['', 'a', 'ab']) {
    const encoded = Buffer.from(`${prefix}${CANARIES.note}`).toString('base64');
    expect(scan('self-test', `{"data":"${encoded}"}`, needles)).toContain(
      'canary note in self-test',
    );
  }
  expect(scan('self-test', `\\x${toHex(kMaster)}`, needles)).toContain('K_master in self-test');

  const hits = [
    ...scan('pg_dump', dump.stdout, needles),
    ...scan('relay log', log, needles),
    ...scan('browser traffic', frames, needles),
  ];
  console.log(
    `[zero-knowledge] needles=${needles.length} events=${rows.length} changes=${changes.length} ` +
      `dumpKB=${Math.round(dump.stdout.length / 1024)} logKB=${Math.round(log.length / 1024)} ` +
      `trafficItems=${traffic.length} trafficKB=${Math.round(frames.length / 1024)} hits=${hits.length}`,
  );
  expect(hits).toEqual([]);
});
