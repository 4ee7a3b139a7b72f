import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

import { dumpPglite, openDatabase } from "../../db/open";
import { TEMPLATE_PREFIX, withDatabase } from "./server-databases";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    serverTemplate: string;
  }
}

/**
 * Migrates one template database per run; every test file then starts from a copy of it:
 * a PGlite instance loaded from a dump, or `CREATE DATABASE … TEMPLATE` on the PostgreSQL server
 * named by DATABASE_URL.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    // A template of this run's own: runs side by side on one server do not disturb each other.
    const TEMPLATE_DATABASE = `${TEMPLATE_PREFIX}${process.pid}_${Date.now().toString(36)}`;
    const postgres = (await import("postgres")).default;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
    await admin.end();
    const template = await openDatabase({ backend: "postgres", url: withDatabase(url, TEMPLATE_DATABASE), max: 1 });
    await template.close();
    project.provide("pgliteTemplate", "");
    project.provide("serverTemplate", TEMPLATE_DATABASE);
    return async () => {
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
      await cleanup.end();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "portal-test-"));
  const file = path.join(dir, "template.tar");
  const template = await openDatabase({ backend: "pglite" });
  writeFileSync(file, Buffer.from(await (await dumpPglite(template)).arrayBuffer()));
  await template.close();
  project.provide("pgliteTemplate", file);
  project.provide("serverTemplate", "");
  return () => rmSync(dir, { recursive: true, force: true });
}
