import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * An exclusive, process-level lock on the embedded database directory.
 *
 * PGlite has no file lock of its own: a second process that opens the same folder silently works
 * on its own copy and corrupts the first one's data on close. The lock file holds the owner's pid
 * and host; a lock whose owner process is gone (kill -9, power cut) is taken over at once, so a
 * crash never needs a manual clean-up. See docs/decisions/002-database-backends.md.
 */
export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
  constructor(
    readonly lockFile: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded database is in use by another process (pid ${ownerPid}); lock file: ${lockFile}. ` +
        `Stop that process first (e.g. the running portal server), or set DATABASE_URL to use a PostgreSQL server.`,
    );
  }
}

export type Release = () => void;

export function lockFileFor(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

export function acquireDirectoryLock(dataDir: string): Release {
  const file = lockFileFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          if (readOwner(file)?.pid === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && owner.host === hostname() && !isAlive(owner.pid)) {
        // The owner died without releasing: take the lock over.
        try {
          unlinkSync(file);
        } catch {
          // someone else took it over first; try again
        }
        continue;
      }
      if (!owner) {
        // Half-written by a process that is creating it right now, or unreadable: treat as held.
        throw new DatabaseLockedError(file, 0);
      }
      throw new DatabaseLockedError(file, owner.pid);
    }
  }
  throw new DatabaseLockedError(file, readOwner(file)?.pid ?? 0);
}

function readOwner(file: string): { pid: number; host: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { pid?: unknown; host?: unknown };
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return { pid: parsed.pid, host: parsed.host };
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
