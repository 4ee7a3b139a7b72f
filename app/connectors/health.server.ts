import { sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { connectorSteps, webhookDeliveries, webhookSubscribers } from "../../db/schema";
import { directoryHealth } from "./directory.server";
import { monitoringHealth } from "./monitoring.server";
import { connectors } from "./steps.server";

/**
 * How the connectors are doing, for /admin and for an admin's /healthcheck: configured or not,
 * whether the directory binds and Alertmanager answers (asked at most every HEALTH_TTL_MS, so a
 * page load never waits on them twice), and the steps and deliveries waiting or failing.
 */
export type ConnectorHealth = {
  directory: { configured: boolean; ok: boolean | null; detail: string | null; pending: number; failing: number };
  monitoring: { configured: boolean; ok: boolean | null; detail: string | null; pending: number; failing: number };
  webhooks: { subscribers: number; pending: number; failing: number };
};

const HEALTH_TTL_MS = 10_000;
let probed: { at: number; directory: { ok: boolean; detail: string } | null; monitoring: { ok: boolean; detail: string } | null } | null = null;

export async function connectorHealth(db: Db, now = Date.now()): Promise<ConnectorHealth> {
  const config = connectors();
  if (!probed || now - probed.at > HEALTH_TTL_MS) {
    const [directory, monitoring] = await Promise.all([
      config.directory ? directoryHealth(config.directory) : null,
      config.monitoring ? monitoringHealth(config.monitoring) : null,
    ]);
    probed = { at: now, directory, monitoring };
  }
  const steps = await db
    .select({
      connector: connectorSteps.connector,
      pending: sql<number>`count(*) filter (where ${connectorSteps.status} = 'pending')::int`,
      failing: sql<number>`count(*) filter (where ${connectorSteps.status} = 'failed')::int`,
    })
    .from(connectorSteps)
    .where(sql`${connectorSteps.status} <> 'done'`)
    .groupBy(connectorSteps.connector);
  const [hooks] = await db
    .select({
      subscribers: sql<number>`(select count(*)::int from ${webhookSubscribers} where ${webhookSubscribers.active})`,
      pending: sql<number>`count(*)::int`,
      failing: sql<number>`count(*) filter (where ${webhookDeliveries.lastError} is not null)::int`,
    })
    .from(webhookDeliveries)
    .where(sql`${webhookDeliveries.deliveredAt} is null`);
  const count = (connector: string) => steps.find((s) => s.connector === connector) ?? { pending: 0, failing: 0 };
  return {
    directory: {
      configured: Boolean(config.directory),
      ok: probed.directory?.ok ?? null,
      detail: probed.directory?.detail ?? null,
      ...pick(count("directory")),
    },
    monitoring: {
      configured: Boolean(config.monitoring),
      ok: probed.monitoring?.ok ?? null,
      detail: probed.monitoring?.detail ?? null,
      ...pick(count("monitoring")),
    },
    webhooks: { subscribers: hooks?.subscribers ?? 0, pending: hooks?.pending ?? 0, failing: hooks?.failing ?? 0 },
  };
}

const pick = (c: { pending: number; failing: number }) => ({ pending: c.pending, failing: c.failing });
