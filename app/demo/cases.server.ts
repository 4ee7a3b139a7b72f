import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { copyValues } from "~/cases/request-form";
import { markStandard, saveTemplate, saveTemplateFromCase } from "~/cases/templates.server";
import { addComment } from "~/cases/comments.server";
import { addAttachment } from "~/cases/attachments.server";

/**
 * A few cases in different states for the embedded demo, so every view has something to show:
 * a submitted simple change, an advanced change on the CAB's agenda, an emergency with its access
 * open, and standing access awaiting the owner's consent; a template kept from the first and a
 * standard change.
 */
export async function seedDemoCases(db: Db, now = new Date()): Promise<void> {
  const byEmail = async (email: string) => (await db.select().from(users).where(eq(users.email, email)))[0]!;
  const sara = await byEmail("sara.forvaltare@sjovik.se");
  const centre = await byEmail("servicecenter@sjovik.se");
  const ops = await byEmail("drift@driftpartner.example");
  const today = stockholmDate(now);
  const at = (date: string, from: string, to: string) => ({ start: `${date}T${from}:00+01:00`, end: `${date}T${to}:00+01:00` });
  const simpleDay = addWorkingDays(earliestStart("simple-change", today), 1);
  const advancedDay = addWorkingDays(earliestStart("advanced-change", today), 3);

  const intranet = await createCase(
    db,
    sara,
    {
      type: "simple-change",
      systemCode: "INTRA",
      title: "Versionsuppgradering av intranätet",
      description: "Leverantören uppgraderar publiceringsverktyget till version 9.4.",
      window: at(simpleDay, "18:00", "21:00"),
      reason: "Säkerhetsrättningar och nya funktioner",
      bookedWithSupplier: true,
      accounts: ["adm-intra-lev"],
    },
    now,
  );
  const advanced = await createCase(
    db,
    sara,
    {
      type: "advanced-change",
      systemCode: "INTEG",
      title: "Ny version av integrationsplattformen",
      description: "Plattformen uppgraderas; alla integrationer pausas under arbetet.",
      window: at(advancedDay, "17:00", "22:00"),
      reason: "Nuvarande version når end of support",
      impactDescription: "E-tjänster och ärendehantering tar inte emot ärenden under arbetet.",
      affectedSystems: ["EPLAT", "CASE", "ARKIV"],
      risk: "Integrationer kan behöva startas om manuellt.",
      testPlan: "Regressionstest i testmiljön veckan innan.",
      rollbackPlan: "Återställ ögonblicksbild av servrarna.",
      bookedWithSupplier: true,
      affectsUsers: true,
      publicDescription: "E-tjänsterna är otillgängliga under kvällen.",
    },
    now,
  );
  await applyEvent(db, centre, advanced.number, { type: "REFER_TO_CAB" }, now);
  const incident = await createCase(
    db,
    sara,
    {
      type: "emergency",
      systemCode: "EPLAT",
      title: "E-tjänsterna svarar långsamt",
      description: "Inloggade invånare får tidsgränsfel.",
      urgency: 2,
      impact: 2,
      accounts: ["adm-eplat-lev"],
    },
    now,
  );
  await applyEvent(db, centre, incident.number, { type: "APPROVE" }, now);
  await applyEvent(db, ops, incident.number, { type: "GRANT" }, now);
  // The incident's thread and a file: what the service centre keeps to itself and what it shares.
  await addComment(db, centre, incident.number, { body: "Kunderna ringer in: prioritera inloggningen.", shared: false }, now);
  await addComment(db, centre, incident.number, { body: "Skicka gärna loggarna från lastbalanseraren när ni har dem.", shared: true }, now);
  await addAttachment(
    db,
    sara,
    incident.number,
    { name: "svarstider.csv", bytes: new TextEncoder().encode("tid;svarstid_ms\n08:00;420\n08:15;3900\n08:30;12000\n"), shared: true },
    now,
  );
  await createCase(
    db,
    sara,
    {
      type: "standing-access",
      systemCode: "CASE",
      title: "Löpande konfiguration av rapportmallar",
      justification: "Leverantören underhåller ärendesystemets rapportmallar.",
      agreementReference: "KS-2026/118",
      supplierPeople: ["Per Persson, Integrationshuset"],
      accounts: ["rapport-lev"],
    },
    now,
  );
  // A template kept from a case, and a standard change the board approved once (decision 026).
  await saveTemplateFromCase(db, sara, intranet.number, "Versionsuppgradering av intranätet");
  const patching = await saveTemplate(
    db,
    sara,
    {
      name: "Månadspatchning av intranätet",
      category: "change",
      values: copyValues({
        systemCode: "INTRA",
        title: "Månadspatchning av intranätet",
        description: "Leverantören installerar månadens säkerhetsuppdateringar på intranätets servrar.",
        reason: "Månadens säkerhetsuppdateringar",
        affectsOthers: "no",
        accounts: "adm-intra-lev",
        testPlan: "Startsidan, sökningen och inloggningen provas efteråt.",
        rollbackPlan: "Ögonblicksbild av servrarna före arbetet.",
      }),
    },
    now,
  );
  await markStandard(db, centre, patching.id, { reference: "Ändringsrådets protokoll 2026-11-26 § 4" }, now);
}
