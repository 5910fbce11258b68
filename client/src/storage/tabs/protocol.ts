/**
 * Messages between the tabs of one profile, over the `TabChannel` port
 * (lib/platform.ts; a BroadcastChannel in the browser). One tab leads (it
 * holds the leader lock): it owns the logs, the document store and the
 * relay connection. The others follow: they keep the documents in memory
 * and write through the leader. Every message carries `t`, its kind; `from`
 * and `to` are tab ids (random, one per page load).
 *
 * Follower → leader:
 *   hello   {from}                              send me every document
 *   write   {from, id, doc, changes[]}          make these changes durable (one user action)
 *   call    {from, id, name, arg}               run a named operation of the leader's (sync settings, wipe, adopt)
 * Leader → one follower:
 *   welcome {to, leader, docs[{name, bytes}], states{}}   every document, saved (`Automerge.save`), and the published states
 *   written {to, id, error?}                    the write is durable (or why not); sent after its `changes`
 *   answer  {to, id, value}                     what a call returned
 * Leader → everyone:
 *   leader  {leader}                            a new leader is ready: say hello again, send pending writes again
 *   changes {leader, doc, changes[]}            changes made durable (any tab's write, or a record from sync)
 *   state   {leader, name, value}               a published value changed (the sync status)
 *   reload  {leader, except?}                   the account changed (adopted, wiped): every tab reloads
 *                                               (but `except`, the tab that asked: it reloads when its user has read why)
 *
 * Writes are idempotent twice over: a write id answered before is answered
 * again without applying anything, and a change already in the document
 * (an Automerge change is named by its hash) is not written again, so a
 * write retried against a new leader that already has it is acknowledged
 * with nothing appended. Everything received is parsed with these schemas;
 * a message that does not parse is ignored (another version of the app, in
 * a tab not yet reloaded, may speak differently).
 */
import * as v from 'valibot';
import { StorageErrorSchema } from '../opfs-protocol';

const tab = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const id = tab;
const bytes = v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'expected a Uint8Array');
const doc = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

export const Hello = v.object({ t: v.literal('hello'), from: tab });
export const Write = v.object({
  t: v.literal('write'),
  from: tab,
  id,
  doc,
  changes: v.array(bytes),
});
export const Call = v.object({
  t: v.literal('call'),
  from: tab,
  id,
  name: v.string(),
  arg: v.unknown(),
});
export const Welcome = v.object({
  t: v.literal('welcome'),
  to: tab,
  leader: tab,
  docs: v.array(v.object({ name: doc, bytes })),
  states: v.record(v.string(), v.unknown()),
});
export const Written = v.object({
  t: v.literal('written'),
  to: tab,
  id,
  error: v.optional(StorageErrorSchema),
});
export const Answer = v.object({ t: v.literal('answer'), to: tab, id, value: v.unknown() });
export const Leader = v.object({ t: v.literal('leader'), leader: tab });
export const Changes = v.object({
  t: v.literal('changes'),
  leader: tab,
  doc,
  changes: v.array(bytes),
});
export const State = v.object({
  t: v.literal('state'),
  leader: tab,
  name: v.string(),
  value: v.unknown(),
});
export const Reload = v.object({ t: v.literal('reload'), leader: tab, except: v.optional(tab) });

/** What the leader hears. */
export const ToLeader = v.variant('t', [Hello, Write, Call]);
export type ToLeader = v.InferOutput<typeof ToLeader>;

/** What a follower hears. */
export const ToFollower = v.variant('t', [
  Welcome,
  Written,
  Answer,
  Leader,
  Changes,
  State,
  Reload,
]);
export type ToFollower = v.InferOutput<typeof ToFollower>;

export type TabMessage = ToLeader | ToFollower;
