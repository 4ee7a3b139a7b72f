import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeUser } from "./support/factories";
import { cases, systems } from "../db/schema";
import { latestConsentEnd } from "../machines/rules";
import { addDays, stockholmDate } from "../machines/calendar";
import { caseStatusOf, stepCase, SYSTEM_ACTOR, type CaseEvent } from "../machines";
import { createCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, type World } from "./support/world";

/**
 * The system owner's page (/owner), through the built app: standing-access requests on the
 * owner's systems, and consent, refusal, the yearly review and revocation from its forms.
 */
const db = useTestDatabase();
let w: World;
let ownerCookie: string;

beforeAll(async () => {
  w = await makeWorld(db());
  ownerCookie = await signIn(db(), w.people.owner);
});

let counter = 0;
async function request(overrides: Record<string, unknown> = {}) {
  const created = await createCase(db(), w.people.requester, {
    type: "standing-access",
    systemCode: w.systems.app.code,
    title: `Felsökning av behörighetsregler ${++counter}`,
    justification: "Leverantören felsöker konfigurationen utan admin-behörighet.",
    agreementReference: "AVT-1",
    supplierPeople: ["Per Persson"],
    accounts: ["lev-felsok"],
    ...overrides,
  });
  return created.number;
}

const ownerPage = async (cookie = ownerCookie) => {
  const response = await call("/owner", { cookie });
  expect(response.status).toBe(200);
  return response.text();
};

/** One section of the page, by its id. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, id).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf("</section>", start));
}

/** The card of one case on the page. */
function card(html: string, number: string): string {
  const start = html.lastIndexOf("<article", html.indexOf(`id="case-${number}"`));
  expect(start, number).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf("</article>", start));
}

const post = (form: Record<string, string>, cookie = ownerCookie) => call("/owner", { cookie, form });
const statusOf = async (number: string) => (await getCaseView(db(), w.people.serviceCentre, number)).status;

describe("the system owner's page", () => {
  it("lists a submitted request under awaiting consent, with what the owner decides on", async () => {
    const number = await request();
    const draft = (await createCase(db(), w.people.requester, { type: "standing-access", systemCode: w.systems.app.code, title: "Utkast", draft: true }))
      .number;
    const html = await ownerPage();
    const awaiting = section(html, "owner-awaiting");
    expect(awaiting).toContain(`href="/cases/${number}"`);
    expect(awaiting).toContain(`Felsökning av behörighetsregler`);
    expect(awaiting).toContain(w.systems.app.code);
    expect(awaiting).toContain(w.supplier.name);
    expect(awaiting).toContain(w.people.requester.name);
    expect(awaiting).toContain("AVT-1");
    expect(awaiting).toContain("Leverantören felsöker konfigurationen utan admin-behörighet.");
    expect(awaiting).toContain("lev-felsok");
    expect(card(html, number)).toContain('value="consent"');
    expect(card(html, number)).toContain('value="refuse"');
    expect(html).not.toContain(draft);
  });

  it("shows who gets access and the system's data-processing agreement before the owner decides", async () => {
    await db()
      .update(systems)
      .set({ dpaReference: "PUB-2026-4", dpaExpiresOn: addDays(stockholmDate(new Date()), 90) })
      .where(eq(systems.id, w.systems.app.id));
    try {
      const number = await request({ supplierPeople: ["Per Persson, Integrationshuset", "Eva Ek"] });
      const html = card(await ownerPage(), number);
      expect(html).toContain("Per Persson, Integrationshuset; Eva Ek");
      expect(html).toContain("lev-felsok");
      expect(html).toContain("PUB-2026-4");
      // The agreement ends before a year's consent would: the owner is told to choose an end it covers.
      expect(html).toContain("Avtalet går ut före samtyckets förvalda slut");
      expect(html).toContain(`max="${latestConsentEnd(new Date())}"`);
    } finally {
      await db().update(systems).set({ dpaReference: null, dpaExpiresOn: null }).where(eq(systems.id, w.systems.app.id));
    }
  });

  it("consents to a year by default: review 30 days before the last day, and operations is asked to create the accounts", async () => {
    const number = await request();
    const response = await post({ intent: "consent", number });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/owner?notice=consented&case=${number}`);

    const view = await getCaseView(db(), w.people.owner, number);
    expect(view.status).toBe("active");
    expect(view.audit.at(-1)).toMatchObject({ event: "CONSENT", actor: w.people.owner.name });
    const until = latestConsentEnd(new Date());
    expect(view.standing).toMatchObject({ consentUntil: until, accountSteps: [{ kind: "create", doneAt: null }] });
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    expect((row!.state.context as { reviewDueOn: string }).reviewDueOn).toBe(addDays(until, -30));

    const page = await (await call(response.headers.get("Location")!, { cookie: ownerCookie })).text();
    expect(page).toContain('role="status"');
    expect(section(page, "owner-active")).toContain(`href="/cases/${number}"`);
    expect(section(page, "owner-awaiting")).not.toContain(`href="/cases/${number}"`);
    expect(card(page, number)).toContain('value="revoke"');
    expect(card(page, number)).not.toContain('value="consent"');

    const board = await (await call("/operations", { cookie: await signIn(db(), w.people.operations) })).text();
    expect(board).toContain(`data-account-task="${number}"`);

    // Consenting again is not possible now: a 409 with a message, nothing changes.
    const again = await post({ intent: "consent", number });
    expect(again.status).toBe(409);
    expect(await statusOf(number)).toBe("active");
  });

  it("consents to an earlier last day, and refuses one more than 12 months ahead at the field, keeping what was typed", async () => {
    const number = await request();
    const tooLate = addDays(latestConsentEnd(new Date()), 1);
    const refused = await post({ intent: "consent", number, until: tooLate });
    expect(refused.status).toBe(422);
    const html = card(await refused.text(), number);
    expect(html).toContain("Ett samtycke gäller högst 12 månader");
    expect(html).toContain(`value="${tooLate}"`);
    expect(await statusOf(number)).toBe("awaiting-consent");

    const until = addDays(stockholmDate(new Date()), 100);
    expect((await post({ intent: "consent", number, until })).status).toBe(302);
    expect((await getCaseView(db(), w.people.requester, number)).standing?.consentUntil).toBe(until);
  });

  it("refuses only with a reason, shown in Swedish at that case's reason field", async () => {
    const other = await request();
    const number = await request();
    const response = await post({ intent: "refuse", number, reason: "   " });
    expect(response.status).toBe(422);
    const html = await response.text();
    const mine = card(html, number);
    expect(mine).toContain("Ange en motivering.");
    expect(mine).toContain('aria-invalid="true"');
    const errorId = /<p id="([^"]+)" class="field__error">Ange en motivering\.<\/p>/.exec(mine)?.[1];
    expect(errorId).toBeTruthy();
    expect(mine).toContain(`aria-describedby="${errorId}"`);
    expect(card(html, other)).not.toContain("aria-invalid");
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(1);
    expect(await statusOf(number)).toBe("awaiting-consent");

    const refused = await post({ intent: "refuse", number, reason: "Avtalet täcker inte den här åtkomsten." });
    expect(refused.status).toBe(302);
    expect(await statusOf(number)).toBe("refused");
    const view = await getCaseView(db(), w.people.owner, number);
    expect(view.audit.at(-1)).toMatchObject({ event: "REFUSE_CONSENT", reason: "Avtalet täcker inte den här åtkomsten." });
    const page = await ownerPage();
    expect(section(page, "owner-ended")).toContain(`href="/cases/${number}"`);
    expect(card(page, number)).not.toContain("<form");
    // The requester reads the refusal and its reason at the top of the case, not only deep in the trail.
    const casePage = await (await call(`/cases/${number}`, { cookie: await signIn(db(), w.people.requester) })).text();
    const decision = casePage.slice(casePage.indexOf('id="case-decision"'), casePage.indexOf("</dl>", casePage.indexOf('id="case-decision"')));
    expect(decision).toContain("Systemägaren nekade");
    expect(decision).toContain("Avtalet täcker inte den här åtkomsten.");
  });

  it("operations creates the accounts, the supplier sees them ready; after a revocation operations removes them, once", async () => {
    const number = await request();
    const ops = await signIn(db(), w.people.operations);
    const consultant = await signIn(db(), w.people.consultant);
    const task = (html: string) => {
      const start = html.indexOf(`data-account-task="${number}"`);
      return start < 0 ? "" : html.slice(start, html.indexOf("</tr>", start));
    };
    const supplierCard = async () => {
      const html = await (await call("/supplier", { cookie: consultant })).text();
      const start = html.indexOf(`data-standing="${number}"`);
      return start < 0 ? "" : html.slice(start, html.indexOf("</article>", start));
    };
    expect(await supplierCard()).toContain("Väntar på systemägarens samtycke.");
    // Nothing to create before the consent.
    expect((await call("/operations", { cookie: ops, form: { intent: "ACCOUNT_CREATED", caseNumber: number } })).status).toBe(409);

    expect((await post({ intent: "consent", number })).status).toBe(302);
    expect(task(await (await call("/operations", { cookie: ops })).text())).toContain("lev-felsok");
    expect(await supplierCard()).toContain("Driften skapar kontona senast");
    // Only operations does the step (the service centre looks on).
    const centre = await signIn(db(), w.people.serviceCentre);
    expect((await call("/operations", { cookie: centre, form: { intent: "ACCOUNT_CREATED", caseNumber: number } })).status).toBe(403);

    const created = await call("/operations", { cookie: ops, form: { intent: "ACCOUNT_CREATED", caseNumber: number } });
    expect(created.status).toBe(302);
    expect(created.headers.get("Location")).toBe(`/operations?notice=accounts-created&case=${number}`);
    expect(task(await (await call("/operations", { cookie: ops })).text())).toBe("");
    expect(await supplierCard()).toContain("Kontona är klara att använda.");
    expect((await call("/operations", { cookie: ops, form: { intent: "ACCOUNT_CREATED", caseNumber: number } })).status).toBe(409);

    expect((await post({ intent: "revoke", number, reason: "Uppdraget är avslutat." })).status).toBe(302);
    expect(await supplierCard()).toBe("");
    const removal = task(await (await call("/operations", { cookie: ops })).text());
    expect(removal).toContain("Ta bort");
    expect(removal).not.toContain('data-overdue="true"');
    expect((await call("/operations", { cookie: ops, form: { intent: "ACCOUNT_REMOVED", caseNumber: number } })).status).toBe(302);
    expect((await call("/operations", { cookie: ops, form: { intent: "ACCOUNT_REMOVED", caseNumber: number } })).status).toBe(409);

    const view = await getCaseView(db(), w.people.requester, number);
    expect(view.audit.map((a) => a.event).slice(-4)).toEqual(["CONSENT", "ACCOUNT_CREATED", "REVOKE_ACCESS", "ACCOUNT_REMOVED"]);
    // The revocation stays the case's decision after operations' later step in the same state.
    expect(view.decision).toMatchObject({ event: "REVOKE_ACCESS", reason: "Uppdraget är avslutat." });
    expect(view.standing?.accountSteps.map((s) => [s.kind, Boolean(s.doneAt)])).toEqual([
      ["create", true],
      ["remove", true],
    ]);
  });

  it("confirms the yearly review and revokes only with a reason", async () => {
    const number = await request();
    expect((await post({ intent: "consent", number })).status).toBe(302);
    // The portal marks the access as due for review (the scheduler's event).
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    const due = stepCase("standing-access", row!.state, { type: "REVIEW_DUE", actor: SYSTEM_ACTOR, now: new Date().toISOString() } as CaseEvent);
    expect(due?.value).toBe("review-due");
    await db()
      .update(cases)
      .set({ state: due!, status: caseStatusOf(due!.value), version: row!.version + 1 })
      .where(eq(cases.id, row!.id));
    expect(section(await ownerPage(), "owner-review-due")).toContain(`href="/cases/${number}"`);

    const reviewed = await post({ intent: "review", number });
    expect(reviewed.status).toBe(302);
    expect(reviewed.headers.get("Location")).toBe(`/owner?notice=reviewed&case=${number}`);
    expect(await statusOf(number)).toBe("active");

    const bare = await post({ intent: "revoke", number });
    expect(bare.status).toBe(422);
    const mine = card(await bare.text(), number);
    expect(mine).toContain("Ange en motivering.");
    expect(mine).toContain("<details open");
    expect(await statusOf(number)).toBe("active");

    const revoked = await post({ intent: "revoke", number, reason: "Avtalet har löpt ut." });
    expect(revoked.status).toBe(302);
    expect(await statusOf(number)).toBe("revoked");
  });

  it("shows another system owner nothing of it and refuses their consent", async () => {
    const number = await request();
    const otherOwner = await makeUser(db(), { organisationId: w.unit.id, role: "system-owner" });
    const cookie = await signIn(db(), otherOwner);
    expect(await ownerPage(cookie)).not.toContain(number);
    const response = await post({ intent: "consent", number }, cookie);
    expect([403, 404]).toContain(response.status);
    expect(await statusOf(number)).toBe("awaiting-consent");
  });

  it("is for system owners only", async () => {
    const cookie = await signIn(db(), w.people.requester);
    expect((await call("/owner", { cookie })).status).toBe(403);
    const number = await request();
    expect((await post({ intent: "consent", number }, cookie)).status).toBe(403);
    expect((await call("/owner")).status).toBe(302);
  });

  it("refuses an unknown intent", async () => {
    expect((await post({ intent: "approve", number: "ACC-2026-00001" })).status).toBe(400);
  });
});
