import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { DirectoryConfig } from "~/connectors/directory.server";
import type { MonitoringConfig } from "~/connectors/monitoring.server";
import { freePort } from "../browser/harness";

/**
 * The real parts the connector tests need, started on free loopback ports from a temp folder:
 * Debian's OpenLDAP `slapd` (old-style config, an mdb database) and Debian's
 * `prometheus-alertmanager` (clustering off). `.ci/run` installs both. Never mocked.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const SUFFIX = "dc=sjovik,dc=test";
const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PW = "directory-test-secret";
export const USER_BASE = `ou=people,${SUFFIX}`;
/** A `groupOfNames` must keep one member: each group has this placeholder, which is nobody's account. */
export const PLACEHOLDER = `cn=placeholder,${SUFFIX}`;

export type Slapd = {
  config: DirectoryConfig;
  port: number;
  /** Adds a groupOfNames (with the placeholder member) and returns its DN. */
  addGroup(cn: string): Promise<string>;
  /** The group's member DNs, read with ldapsearch (not with the portal's client). */
  members(groupDn: string): string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-slapd-"));
  mkdirSync(path.join(dir, "db"));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}/`;
  writeFileSync(
    path.join(dir, "slapd.conf"),
    [
      "include /etc/ldap/schema/core.schema",
      "include /etc/ldap/schema/cosine.schema",
      "include /etc/ldap/schema/inetorgperson.schema",
      "include /etc/ldap/schema/nis.schema",
      `pidfile ${dir}/slapd.pid`,
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      "database mdb",
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${dir}/db`,
      "maxsize 104857600",
      "",
    ].join("\n"),
  );
  const pidFile = path.join(dir, "slapd.pid");
  const ldap = (tool: string, args: string[], input?: string) => {
    const r = spawnSync(tool, ["-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW, ...args], { input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const start = async () => {
    const r = spawnSync("/usr/sbin/slapd", ["-f", path.join(dir, "slapd.conf"), "-h", url], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`slapd did not start: ${r.stderr}`);
    for (let i = 0; i < 100; i++) {
      if (spawnSync("ldapsearch", ["-x", "-H", url, "-b", "", "-s", "base", "namingContexts"]).status === 0) return;
      await sleep(100);
    }
    throw new Error("slapd did not answer within 10 s");
  };
  const stop = async () => {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, "utf8").trim());
    } catch {
      return;
    }
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      return;
    }
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await sleep(100);
    }
    process.kill(pid, "SIGKILL");
  };
  await start();
  ldap(
    "ldapadd",
    [],
    [
      `dn: ${SUFFIX}`,
      "objectClass: dcObject",
      "objectClass: organization",
      "o: Sjoviks kommun",
      "dc: sjovik",
      "",
      `dn: ${USER_BASE}`,
      "objectClass: organizationalUnit",
      "ou: people",
      "",
      `dn: ${PLACEHOLDER}`,
      "objectClass: organizationalRole",
      "cn: placeholder",
      "",
    ].join("\n"),
  );
  return {
    port,
    config: { url, bindDn: ROOT_DN, bindPassword: ROOT_PW, userBaseDn: USER_BASE, userAttribute: "uid" },
    async addGroup(cn) {
      const dn = `cn=${cn},${SUFFIX}`;
      ldap("ldapadd", [], [`dn: ${dn}`, "objectClass: groupOfNames", `cn: ${cn}`, `member: ${PLACEHOLDER}`, ""].join("\n"));
      return dn;
    },
    members(groupDn) {
      const out = ldap("ldapsearch", ["-LLL", "-o", "ldif-wrap=no", "-b", groupDn, "-s", "base", "member"]);
      return out
        .split("\n")
        .filter((l) => l.startsWith("member: "))
        .map((l) => l.slice(8).trim())
        .filter((dn) => dn !== PLACEHOLDER);
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Alertmanager = {
  config: MonitoringConfig;
  /** The silences Alertmanager holds (all states). */
  silences(): Promise<
    { id: string; status: { state: string }; matchers: { name: string; value: string; isRegex: boolean }[]; endsAt: string; comment: string }[]
  >;
  close(): Promise<void>;
};

export async function startAlertmanager(): Promise<Alertmanager> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-alertmanager-"));
  const port = await freePort();
  writeFileSync(path.join(dir, "alertmanager.yml"), ["route:", "  receiver: nobody", "receivers:", "  - name: nobody", ""].join("\n"));
  const child: ChildProcess = spawn(
    "/usr/bin/prometheus-alertmanager",
    [
      `--config.file=${path.join(dir, "alertmanager.yml")}`,
      `--storage.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`${url}/api/v2/status`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150 || child.exitCode !== null) throw new Error(`Alertmanager did not start: ${stderr}`);
    await sleep(100);
  }
  return {
    config: { url, systemLabel: "system" },
    async silences() {
      return (await (await fetch(`${url}/api/v2/silences`)).json()) as never;
    },
    async close() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
