import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { acquireDirectoryLock, bootId, DatabaseLockedError, lockFileFor, processStartTime } from "../db/lock";
import { openDatabase } from "../db/open";

const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), "portal-lock-")), "pglite");

describe("the embedded database lock", () => {
  it("refuses a second opener of the same directory, naming the lock file", async () => {
    const dir = freshDir();
    const first = await openDatabase({ backend: "pglite", dataDir: dir, migrate: false });
    try {
      const second = openDatabase({ backend: "pglite", dataDir: dir, migrate: false });
      await expect(second).rejects.toBeInstanceOf(DatabaseLockedError);
      await expect(second).rejects.toThrow(lockFileFor(dir));
    } finally {
      await first.close();
    }
    expect(existsSync(lockFileFor(dir))).toBe(false);
    const again = await openDatabase({ backend: "pglite", dataDir: dir, migrate: false });
    await again.close();
  });

  it("refuses another live process and takes over the lock of a dead one", async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(lockFileFor(dir), JSON.stringify({ pid: child.pid, host: hostname() }));
      expect(() => acquireDirectoryLock(dir)).toThrowError(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    // The owner was killed without cleaning up: the next opener must not need a manual fix.
    const release = acquireDirectoryLock(dir);
    release();
    expect(existsSync(lockFileFor(dir))).toBe(false);
  });

  it("takes over a lock naming this process's own pid that this process does not hold (a container restart as pid 1 again)", () => {
    const dir = freshDir();
    writeFileSync(lockFileFor(dir), JSON.stringify({ pid: process.pid, host: hostname(), bootId: bootId(), startTime: processStartTime(process.pid) }));
    const release = acquireDirectoryLock(dir);
    // … but this process's own live lock is still refused.
    expect(() => acquireDirectoryLock(dir)).toThrowError(/this process has it open already/);
    release();
    expect(existsSync(lockFileFor(dir))).toBe(false);
  });

  it("takes over an empty lock file (a crash between creating and writing it)", () => {
    const dir = freshDir();
    writeFileSync(lockFileFor(dir), "");
    const release = acquireDirectoryLock(dir);
    expect(JSON.parse(readFileSync(lockFileFor(dir), "utf8")).pid).toBe(process.pid);
    release();
  });

  it("takes over a lock whose pid now belongs to another process, or that is from before a reboot", async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      // The pid is alive, but it is not the process that wrote the lock (another start time).
      writeFileSync(lockFileFor(dir), JSON.stringify({ pid: child.pid, host: hostname(), bootId: bootId(), startTime: "1" }));
      acquireDirectoryLock(dir)();
      writeFileSync(lockFileFor(dir), JSON.stringify({ pid: child.pid, host: hostname(), bootId: "another-boot", startTime: processStartTime(child.pid!) }));
      acquireDirectoryLock(dir)();
      // The same pid, start time and boot: that process really holds it.
      writeFileSync(lockFileFor(dir), JSON.stringify({ pid: child.pid, host: hostname(), bootId: bootId(), startTime: processStartTime(child.pid!) }));
      expect(() => acquireDirectoryLock(dir)).toThrowError(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });

  it("refuses a lock of another host, with the exact command that frees it", () => {
    const dir = freshDir();
    writeFileSync(lockFileFor(dir), JSON.stringify({ pid: 1, host: "portal-7f9c2d", bootId: bootId(), startTime: "1", since: "2026-12-01T10:00:00.000Z" }));
    let error: unknown;
    try {
      acquireDirectoryLock(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as Error).message).toContain('host "portal-7f9c2d"');
    expect((error as Error).message).toContain(`rm '${lockFileFor(dir)}'`);
    expect(existsSync(lockFileFor(dir))).toBe(true);
  });
});
