import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeUser } from "./support/factories";
import { cases } from "../db/schema";
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

  it("consents: the access becomes active, due for review a year on, and the page says so", async () => {
    const number = await request();
    const response = await post({ intent: "consent", number });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/owner?notice=consented&case=${number}`);

    const view = await getCaseView(db(), w.people.owner, number);
    expect(view.status).toBe("active");
    expect(view.audit.at(-1)).toMatchObject({ event: "CONSENT", actor: w.people.owner.name });
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    const due = new Date();
    due.setUTCFullYear(due.getUTCFullYear() + 1);
    expect((row!.state.context as { reviewDueOn: string }).reviewDueOn).toBe(due.toISOString().slice(0, 10));

    const page = await (await call(response.headers.get("Location")!, { cookie: ownerCookie })).text();
    expect(page).toContain('role="status"');
    expect(section(page, "owner-active")).toContain(`href="/cases/${number}"`);
    expect(section(page, "owner-awaiting")).not.toContain(`href="/cases/${number}"`);
    expect(card(page, number)).toContain('value="revoke"');
    expect(card(page, number)).not.toContain('value="consent"');

    // Consenting again is not possible now: a 409 with a message, nothing changes.
    const again = await post({ intent: "consent", number });
    expect(again.status).toBe(409);
    expect(await statusOf(number)).toBe("active");
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
