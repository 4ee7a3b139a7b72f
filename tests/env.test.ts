import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";

const dataDir = () => path.join(mkdtempSync(path.join(tmpdir(), "portal-env-")), "pglite");

describe("environment schema", () => {
  it("defaults to the embedded database on port 3000 with demo data", () => {
    const env = parseEnv({ PGLITE_DATA_DIR: dataDir() });
    expect(env.port).toBe(3000);
    expect(env.databaseUrl).toBeUndefined();
    expect(env.appUrl).toBe("http://localhost:3000");
    expect(env.demoData).toBe(true);
  });

  it("derives APP_URL from PORT and keeps an explicit one without trailing slash", () => {
    expect(parseEnv({ PORT: "8080", PGLITE_DATA_DIR: dataDir() }).appUrl).toBe("http://localhost:8080");
    expect(parseEnv({ APP_URL: "https://portal.sjovik.se/", PGLITE_DATA_DIR: dataDir() }).appUrl).toBe("https://portal.sjovik.se");
  });

  it("generates a session secret once and keeps it in the data directory", () => {
    const dir = dataDir();
    const first = parseEnv({ PGLITE_DATA_DIR: dir }).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(parseEnv({ PGLITE_DATA_DIR: dir }).sessionSecret).toBe(first);
    expect(readFileSync(path.join(path.dirname(dir), "session-secret"), "utf8").trim()).toBe(first);
  });

  it("takes the service desk's hours, 08:00–18:00 by default, and refuses hours that close before they open", () => {
    expect(parseEnv({ PGLITE_DATA_DIR: dataDir() }).deskHours).toEqual({ open: "08:00", close: "18:00" });
    expect(parseEnv({ SERVICE_DESK_HOURS: "07:30-16:00", PGLITE_DATA_DIR: dataDir() }).deskHours).toEqual({ open: "07:30", close: "16:00" });
    expect(() => parseEnv({ SERVICE_DESK_HOURS: "18:00-08:00" })).toThrowError(/SERVICE_DESK_HOURS: must open before it closes/);
    expect(() => parseEnv({ SERVICE_DESK_HOURS: "8-18" })).toThrowError(/SERVICE_DESK_HOURS: must be HH:MM-HH:MM/);
  });

  it("leaves the connectors off unless configured, and names what an LDAP_URL needs beside it", () => {
    const off = parseEnv({ PGLITE_DATA_DIR: dataDir() });
    expect(off.ldap).toBeUndefined();
    expect(off.alertmanager).toBeUndefined();
    const on = parseEnv({
      PGLITE_DATA_DIR: dataDir(),
      LDAP_URL: "ldaps://ldap.sjovik.se",
      LDAP_BIND_DN: "cn=portal,ou=services,dc=sjovik,dc=se",
      LDAP_BIND_PASSWORD: "hemligt",
      LDAP_USER_BASE_DN: "ou=people,dc=sjovik,dc=se",
      ALERTMANAGER_URL: "http://alertmanager.sjovik.se:9093/",
    });
    expect(on.ldap).toEqual({
      url: "ldaps://ldap.sjovik.se",
      bindDn: "cn=portal,ou=services,dc=sjovik,dc=se",
      bindPassword: "hemligt",
      userBaseDn: "ou=people,dc=sjovik,dc=se",
      userAttribute: "uid",
    });
    expect(on.alertmanager).toEqual({ url: "http://alertmanager.sjovik.se:9093", systemLabel: "system" });
    expect(() => parseEnv({ LDAP_URL: "ldap://ldap.sjovik.se" })).toThrowError(
      /LDAP_BIND_DN: is required when LDAP_URL is set[\s\S]*LDAP_USER_BASE_DN: is required/,
    );
    expect(() => parseEnv({ LDAP_URL: "http://ldap.sjovik.se" })).toThrowError(/LDAP_URL: must be an ldap:\/\/ or ldaps:\/\/ URL/);
    expect(() => parseEnv({ ALERTMANAGER_SYSTEM_LABEL: "system-name" })).toThrowError(/ALERTMANAGER_SYSTEM_LABEL: must be a Prometheus label name/);
  });

  it("names every bad variable in one message", () => {
    expect(() => parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", APP_URL: "not a url" })).toThrowError(
      /PORT: must be a whole number[\s\S]*DATABASE_URL: must be a postgres:\/\/[\s\S]*APP_URL/,
    );
    expect(() => parseEnv({ PORT: "70000" })).toThrowError(/PORT: must be between 1 and 65535/);
  });

  it("requires SESSION_SECRET in production on a PostgreSQL server", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://db/portal" })).toThrowError(
      /SESSION_SECRET: is required when NODE_ENV=production and DATABASE_URL is set/,
    );
    const env = parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://db/portal", SESSION_SECRET: "x".repeat(40) });
    expect(env.demoData).toBe(false);
    expect(() => parseEnv({ SESSION_SECRET: "short" })).toThrowError(/SESSION_SECRET: must be at least 32 characters/);
  });
});
