import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { acquireDirectoryLock, DatabaseLockedError, lockFileFor } from "../db/lock";
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
});
