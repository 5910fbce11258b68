/** What an action tells the user: done, or why not, in words. */
export type Outcome = { ok: true } | { ok: false; message: string };
