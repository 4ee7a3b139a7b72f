import { closeSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * An exclusive, process-level lock on the embedded database directory.
 *
 * PGlite has no file lock of its own: a second process that opens the same folder silently works
 * on its own copy and corrupts the first one's data on close. The lock file names its owner: pid,
 * host, the kernel's boot id and the process's start time. A lock is taken over at once when its
 * owner is *provably* not running — so a crash, a reboot or a container restart never needs a
 * manual clean-up — and refused otherwise, with the exact command that frees it when only a person
 * can tell (another host). See docs/decisions/002-database-backends.md.
 */
export type LockOwner = { pid: number; host: string; bootId: string | null; startTime: string | null; since?: string };

export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
  constructor(
    readonly lockFile: string,
    readonly ownerPid: number,
    detail: string,
  ) {
    super(`The embedded database is in use: ${detail}; lock file: ${lockFile}.`);
  }
}

export type Release = () => void;

/** Lock files this process holds: a lock naming our own pid but not in here is an earlier incarnation's. */
const held = new Set<string>();

export function lockFileFor(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The kernel's boot id (Linux): it changes at every boot, so a lock from before a reboot is stale. */
export function bootId(): string | null {
  return readText("/proc/sys/kernel/random/boot_id")?.trim() || null;
}

/** A process's start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22): a reused pid has another. */
export function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

export function currentOwner(): LockOwner {
  return { pid: process.pid, host: hostname(), bootId: bootId(), startTime: processStartTime(process.pid), since: new Date().toISOString() };
}

/** Why the owner is provably not running, or undefined when it may be. */
function staleBecause(file: string, text: string, me: LockOwner): string | undefined {
  const owner = parseOwner(text);
  // Our locks are written whole before they appear (link below): an empty or unreadable file is
  // what a crash of the file system (or an older version) leaves, never a live owner.
  if (!owner) return "the lock file is empty or unreadable";
  if (owner.host !== me.host) return undefined;
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return "the machine has restarted since";
  if (owner.pid === me.pid) return held.has(file) ? undefined : "it names this process's pid, left by an earlier run (a container restart)";
  if (!isAlive(owner.pid)) return "its process is gone";
  const start = processStartTime(owner.pid);
  if (owner.startTime && start && owner.startTime !== start) return "its pid now belongs to another process";
  return undefined;
}

function refusal(file: string, text: string | null, me: LockOwner): DatabaseLockedError {
  const owner = text ? parseOwner(text) : undefined;
  if (!owner) return new DatabaseLockedError(file, 0, "the lock could not be read");
  if (owner.pid === me.pid && owner.host === me.host && held.has(file)) {
    return new DatabaseLockedError(file, owner.pid, "this process has it open already");
  }
  if (owner.host !== me.host) {
    return new DatabaseLockedError(
      file,
      owner.pid,
      `by pid ${owner.pid} on host "${owner.host}"${owner.since ? ` since ${owner.since}` : ""}, which this host ("${me.host}") cannot check. ` +
        `If no portal runs there any more (for example a re-created container on the same volume), remove the lock and start again: rm '${file}'`,
    );
  }
  return new DatabaseLockedError(
    file,
    owner.pid,
    `by another process (pid ${owner.pid}). Stop that process first (e.g. the running portal server: kill ${owner.pid}), or set DATABASE_URL to use a PostgreSQL server`,
  );
}

export function acquireDirectoryLock(dataDir: string): Release {
  const file = lockFileFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const me = currentOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written to a file of our own, then linked into place: the lock appears whole or not at all.
    const temp = `${file}.${me.pid}.${Date.now()}.tmp`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const text = readText(file);
      if (text === null) continue; // released just now: try again
      const reason = staleBecause(file, text, me);
      if (!reason) throw refusal(file, text, me);
      console.warn(`Taking over the embedded database lock ${file}: ${reason}.`);
      try {
        unlinkSync(file);
      } catch {
        // someone else took it over first; try again
      }
      continue;
    } finally {
      unlinkSync(temp);
    }
    held.add(file);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.delete(file);
      process.off("exit", release);
      try {
        const owner = parseOwner(readText(file) ?? "");
        if (owner?.pid === me.pid && owner.startTime === me.startTime) unlinkSync(file);
      } catch {
        // already gone
      }
    };
    process.on("exit", release);
    return release;
  }
  throw refusal(file, readText(file), me);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<Record<keyof LockOwner, unknown>>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return {
        pid: parsed.pid,
        host: parsed.host,
        bootId: typeof parsed.bootId === "string" ? parsed.bootId : null,
        startTime: typeof parsed.startTime === "string" ? parsed.startTime : null,
        since: typeof parsed.since === "string" ? parsed.since : undefined,
      };
    }
  } catch {
    // unreadable
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
