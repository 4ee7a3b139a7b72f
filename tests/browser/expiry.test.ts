import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, cases, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { createApiToken } from "~/access/api-tokens.server";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { startPortal, type Portal } from "./harness";

/**
 * The server enforces expiry even across downtime: a window whose end passed while the portal was
 * stopped is closed as soon as it starts again, by the system, with its messages.
 */
let portal: Portal;
let token = "";
let number = "";

beforeAll(async () => {
  portal = await startPortal({
    env: { JOBS_INTERVAL_MS: "500" },
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      const ops = await activate("drift@driftpartner.example");
      token = (await createApiToken(db, centre.id, "test")).token;
      const day = addWorkingDays(earliestStart("simple-change", stockholmDate(new Date())), 1);
      const created = await createCase(db, sara, {
        type: "simple-change",
        systemCode: "INTRA",
        title: "Kvällsarbete",
        reason: "x",
        bookedWithSupplier: true,
        window: { start: `${day}T17:00:00+01:00`, end: `${day}T19:00:00+01:00` },
      });
      number = created.number;
      await applyEvent(db, centre, number, { type: "APPROVE" });
      await applyEvent(db, ops, number, { type: "GRANT" }, new Date(`${day}T17:05:00+01:00`));
      // The portal was down when the window ended: move the end into the past.
      const past = new Date(Date.now() - 10 * 60_000).toISOString();
      const [c] = await db.select().from(cases).where(eq(cases.number, number));
      await db
        .update(accessWindows)
        .set({ endsAt: new Date(past), state: sql`jsonb_set(${accessWindows.state}, '{context,end}', to_jsonb(${past}::text))` })
        .where(eq(accessWindows.caseId, c!.id));
    },
  });
});

afterAll(async () => {
  await portal?.stop();
});

describe("expiry after downtime", () => {
  it("closes the overdue window at start-up, as the system", async () => {
    const deadline = Date.now() + 20_000;
    let body: { status: string; accessWindow: { status: string }; audit: { event: string; actor: string }[] } | undefined;
    while (Date.now() < deadline) {
      const response = await fetch(`${portal.url}/api/v1/cases/${number}`, { headers: { Authorization: `Bearer ${token}` } });
      body = await response.json();
      if (body?.status === "window-closed") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body?.status).toBe("window-closed");
    expect(body?.accessWindow.status).toBe("closed");
    expect(body?.audit.find((a) => a.event === "EXPIRE")).toMatchObject({ actor: "system" });
  });
});
