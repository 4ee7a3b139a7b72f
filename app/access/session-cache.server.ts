import { registeredDatabase, type Database, type Db } from "../../db/client";
import type { Session, User } from "../../db/schema";

/** The channel the database tells every process on when a session or a person changed (migration 0025). */
export const AUTH_CHANNEL = "auth_changed";
/** More signed-in sessions than a municipality has people at once; past it the cache starts over. */
const LIMIT = 10_000;
/**
 * A change made by this process is kept from the cache until the database's word on it arrives, or
 * this long if it never does (the transaction was rolled back).
 */
const AWAITED_MS = 10_000;

export type CachedSession = { user: User; session: Session };

/**
 * The live sessions of this process's database, by session id, each with its person as the
 * signed-in lookup last read them: a page needs no round trip to know who asks. It holds only while
 * the database's notifications are heard (db/open.ts `listen`):
 * - each change to a session or a person (a sign-out, a deactivation, new roles) drops what it
 *   touches as soon as it is heard, and any read that began before it is not kept;
 * - a change this process makes drops it at once and keeps it out until the database confirms
 *   it, so the next request of the same browser cannot see the old state;
 * - while notifications could go unheard (a lost or silent connection) nothing is served from
 *   the cache, and on hearing again it starts empty.
 * Time limits (idle, absolute) are checked by the caller on every use, as the query would.
 */
export class SessionCache {
  #rows = new Map<string, CachedSession>();
  #awaited = new Map<string, number>();
  #hearing = false;
  #generation = 0;
  hits = 0;

  /** Taken before reading the database; `store` refuses a row read before the latest change. */
  get generation(): number {
    return this.#generation;
  }

  get hearing(): boolean {
    return this.#hearing;
  }

  get(id: string): CachedSession | undefined {
    if (!this.#hearing) return undefined;
    const row = this.#rows.get(id);
    if (row) this.hits++;
    return row;
  }

  store(id: string, row: CachedSession, generation: number, now = Date.now()): void {
    if (!this.#hearing || generation !== this.#generation) return;
    if (this.#isAwaited(`s${id}`, now) || this.#isAwaited(`u${row.user.id}`, now)) return;
    if (this.#rows.size >= LIMIT) this.#rows.clear();
    this.#rows.set(id, row);
  }

  /** The database's word: "s<session id>", "u<user id>" or "*". */
  heard(change: string): void {
    this.#awaited.delete(change);
    this.#drop(change);
  }

  /** A change this process is making (or has just made). */
  changing(change: string, now = Date.now()): void {
    this.#awaited.set(change, now + AWAITED_MS);
    this.#drop(change);
  }

  setHearing(hearing: boolean): void {
    this.#generation++;
    this.#rows.clear();
    this.#hearing = hearing;
  }

  #drop(change: string): void {
    this.#generation++;
    if (change === "*") this.#rows.clear();
    else if (change.startsWith("s")) this.#rows.delete(change.slice(1));
    else for (const [id, row] of this.#rows) if (`u${row.user.id}` === change) this.#rows.delete(id);
  }

  #isAwaited(change: string, now: number): boolean {
    const until = this.#awaited.get(change);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#awaited.delete(change);
    return false;
  }
}

// One cache per database in the process, kept on globalThis as the database is (db/client.ts): the
// server bundle and code loaded beside it (tests, the CLI) must see the same one.
const registry = globalThis as typeof globalThis & { __portalSessionCaches?: WeakMap<Database, SessionCache> };
const caches = (registry.__portalSessionCaches ??= new WeakMap<Database, SessionCache>());

function cacheOf(database: Database): SessionCache {
  let cache = caches.get(database);
  if (!cache) {
    const created = (cache = new SessionCache());
    caches.set(database, created);
    database
      .listen(
        AUTH_CHANNEL,
        (change) => created.heard(change),
        (hearing) => created.setHearing(hearing),
      )
      .catch(() => created.setHearing(false));
  }
  return cache;
}

/** The cache for lookups on `db` when it is the process's database (not a transaction, not another database). */
export function sessionCacheFor(db: Db): SessionCache | undefined {
  const database = registeredDatabase();
  return database && database.db === db ? cacheOf(database) : undefined;
}

/**
 * Says that a session ("s" + id) or a person ("u" + id) is being changed, by whatever handle (a
 * transaction included): the process's cache lets go of it at once.
 */
export function authChanging(change: `s${string}` | `u${number}`): void {
  const database = registeredDatabase();
  if (database) caches.get(database)?.changing(change);
}
