import { spawn } from "node:child_process";

import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { systems } from "../../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { membersOf } from "~/connectors/directory.server";
import { configureConnectors, runConnectorSteps } from "~/connectors/steps.server";
import { startAlertmanager, startSlapd } from "../../tests/support/connectors";
import { freePort } from "./support";
import { makeWorld } from "../../tests/support/world";

/**
 * Time from a window's end to its account's removal from the directory group, over WINDOWS
 * windows, on the built server (its own duties loop, JOBS_INTERVAL_MS) with a real slapd and a
 * real Alertmanager. The windows end STAGGER_MS apart; a poller reads the group every POLL_MS and
 * notes when each account is gone. Needs `slapd`, `ldapsearch` and `prometheus-alertmanager`.
 */
export const REVOCATION = { windows: 100, staggerMs: 150, pollMs: 20, intervalMs: 15_000 };

export type RevocationResult = { windows: number; intervalMs: number; pollMs: number; removalMs: number[]; silencesExpired: number; missing: number };

export async function benchRevocation(db: Db, url: string, root: string, cleanups: (() => Promise<void> | void)[]): Promise<RevocationResult> {
  const [slapd, am] = await Promise.all([startSlapd(), startAlertmanager()]);
  cleanups.push(
    () => slapd.close(),
    () => am.close(),
  );
  const w = await makeWorld(db, "REV");
  const group = await slapd.addGroup("rev-admins");
  await db.update(systems).set({ directoryGroupDn: group }).where(eq(systems.id, w.systems.app.id));
  configureConnectors({ directory: slapd.config, monitoring: am.config });

  // Windows that ran since an hour ago and end in the coming seconds: created and approved "a
  // fortnight ago" (the lead time holds for that moment), opened now.
  const realNow = Date.now();
  const past = new Date(realNow - 21 * 24 * 3600_000);
  const firstEnd = realNow + 20_000;
  const ends: { account: string; end: number }[] = [];
  for (let i = 0; i < REVOCATION.windows; i++) {
    const end = firstEnd + i * REVOCATION.staggerMs;
    const account = `rev-${i}`;
    const c = await createCase(
      db,
      w.people.requester,
      {
        type: "simple-change",
        systemCode: w.systems.app.code,
        title: `Fönster ${i}`,
        window: { start: new Date(realNow - 3600_000).toISOString(), end: new Date(end).toISOString() },
        reason: "Mätning",
        bookedWithSupplier: true,
        accounts: [account],
      },
      past,
    );
    await applyEvent(db, w.people.serviceCentre, c.number, { type: "APPROVE", reason: "Mätningens fönster överlappar varandra" }, past);
    await applyEvent(db, w.people.operations, c.number, { type: "GRANT" }, new Date());
    ends.push({ account, end });
  }
  // The grants, in process: every account is in the group before the server starts.
  while ((await runConnectorSteps(db, new Date(), { limit: 1000 })).stepsDone > 0);
  const members = new Set(await membersOf(slapd.config, group));
  const granted = ends.filter((e) => members.has(`uid=${e.account},${slapd.config.userBaseDn}`)).length;
  if (granted !== REVOCATION.windows) throw new Error(`only ${granted} of ${REVOCATION.windows} accounts were granted`);

  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "app/server.ts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      DATABASE_URL: url,
      SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      DEMO_DATA: "false",
      JOBS_INTERVAL_MS: String(REVOCATION.intervalMs),
      LDAP_URL: slapd.config.url,
      LDAP_BIND_DN: slapd.config.bindDn,
      LDAP_BIND_PASSWORD: slapd.config.bindPassword,
      LDAP_USER_BASE_DN: slapd.config.userBaseDn,
      ALERTMANAGER_URL: am.config.url,
    },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  });

  const gone = new Map<string, number>();
  const deadline = firstEnd + REVOCATION.windows * REVOCATION.staggerMs + REVOCATION.intervalMs * 2 + 10_000;
  while (gone.size < ends.length && Date.now() < deadline) {
    const current = new Set(await membersOf(slapd.config, group).catch(() => [...members]));
    const at = Date.now();
    for (const e of ends) if (!gone.has(e.account) && !current.has(`uid=${e.account},${slapd.config.userBaseDn}`)) gone.set(e.account, at);
    await new Promise((r) => setTimeout(r, REVOCATION.pollMs));
  }
  child.kill("SIGTERM");
  await exited;
  const silences = await am.silences();
  configureConnectors({});
  return {
    windows: ends.length,
    intervalMs: REVOCATION.intervalMs,
    pollMs: REVOCATION.pollMs,
    removalMs: ends.filter((e) => gone.has(e.account)).map((e) => gone.get(e.account)! - e.end),
    silencesExpired: silences.filter((s) => s.status.state === "expired").length,
    missing: ends.length - gone.size,
  };
}
