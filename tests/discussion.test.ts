import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, caseAttachments, cases, outbox } from "../db/schema";
import { createCase } from "~/cases/commands.server";
import { sanitiseName } from "~/cases/attachments.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeUser } from "./support/factories";
import { makeWorld, windowAhead, type World } from "./support/world";

/** The thread and the files on a case (app/cases/comments.server.ts, attachments.server.ts). */
const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

const newCase = () =>
  createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Byte av certifikat",
    description: "Certifikatet på inloggningen byts.",
    window: windowAhead(1),
    reason: "Certifikatet går ut",
    bookedWithSupplier: true,
    risk: "Inloggningen stängs en kort stund",
    testPlan: "Inloggning testas",
    rollbackPlan: "Det gamla certifikatet läggs tillbaka",
  });

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const mailTo = async (number: string) =>
  (
    await db()
      .select()
      .from(outbox)
      .where(sql`${outbox.payload}->>'number' = ${number}`)
  ).filter((m) => m.template.startsWith("case.commented"));

/** The smallest PNG there is: its signature and header, and then enough bytes to be a file. */
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);
/** A Windows program's first bytes ("MZ" and a DOS header). */
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

const idOf = async (number: string) => (await db().select({ id: cases.id }).from(cases).where(eq(cases.number, number)))[0]!.id;
const filesOf = async (number: string) =>
  db()
    .select()
    .from(caseAttachments)
    .where(eq(caseAttachments.caseId, await idOf(number)));

const upload = (bytes: Uint8Array, name: string, shared: boolean) => {
  const form = new FormData();
  form.set("intent", "attach");
  form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], name));
  if (shared) form.set("shared", "true");
  return form;
};

describe("comments on a case", () => {
  it("keep an internal comment from the supplier, in the page, the API and the mail, and share a shared one", async () => {
    const c = await newCase();
    const requester = await signIn(db(), w.people.requester);
    const internal = await call(`/cases/${c.number}`, { cookie: requester, form: { intent: "comment", body: "Kolla med nätgruppen först." } });
    expect(internal.status, await internal.clone().text()).toBe(302);
    expect(internal.headers.get("Location")).toContain("notice=comment-saved");
    const centre = await signIn(db(), w.people.serviceCentre);
    expect(
      (await call(`/cases/${c.number}`, { cookie: centre, form: { intent: "comment", body: "Leverantören: bekräfta tiden.", shared: "true" } })).status,
    ).toBe(302);

    // The municipality reads both in the timeline, each marked.
    const ours = await (await call(`/cases/${c.number}`, { cookie: requester })).text();
    expect(ours).toContain("Kolla med nätgruppen först.");
    expect(ours).toContain("Leverantören: bekräfta tiden.");
    expect(ours).toMatch(/share-badge badge--muted">Intern</);
    expect(ours).toMatch(/share-badge">Delad med leverantören</);

    // The supplier reads only the shared one, on its page and in the API.
    const supplier = await signIn(db(), w.people.consultant);
    const theirs = await (await call(`/cases/${c.number}`, { cookie: supplier })).text();
    expect(theirs).toContain("Leverantören: bekräfta tiden.");
    expect(theirs).not.toContain("Kolla med nätgruppen först.");
    const api = (await (await call(`/api/v1/cases/${c.number}/comments`, { headers: bearer(w.tokens.consultant) })).json()) as { items: { body: string }[] };
    expect(api.items.map((i) => i.body)).toEqual(["Leverantören: bekräfta tiden."]);

    // Mail: the internal one to the service centre, not the supplier; the shared one to the supplier and the requester; nobody of their own.
    const mails = await mailTo(c.number);
    const to = (body: string) => mails.filter((m) => (m.payload as { body: string }).body === body).map((m) => m.recipient);
    expect(to("Kolla med nätgruppen först.")).toContain(w.centre.mailbox);
    expect(to("Kolla med nätgruppen först.")).not.toContain(w.supplier.mailbox);
    expect(to("Kolla med nätgruppen först.")).not.toContain(w.people.requester.email);
    expect(to("Leverantören: bekräfta tiden.")).toEqual(expect.arrayContaining([w.supplier.mailbox, w.people.requester.email]));
    expect(mails.find((m) => m.recipient === w.supplier.mailbox)?.template).toBe("case.commented");
  });

  it("shares whatever the supplier writes, refuses an empty comment at its field and the administrator altogether", async () => {
    const c = await newCase();
    const posted = await call(`/api/v1/cases/${c.number}/comments`, {
      headers: bearer(w.tokens.consultant),
      json: { body: "Vi är klara 14.00.", shared: false },
    });
    expect(posted.status).toBe(201);
    expect(((await posted.json()) as { shared: boolean }).shared).toBe(true);
    expect((await mailTo(c.number)).map((m) => m.recipient)).toContain(w.people.requester.email);

    const empty = await call(`/cases/${c.number}`, { cookie: await signIn(db(), w.people.requester), form: { intent: "comment", body: "   " } });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(/field__error">Fyll i/);

    const admin = await makeUser(db(), { organisationId: w.centre.id, role: "admin", name: `Admin ${w.tag}` });
    expect((await call(`/cases/${c.number}`, { cookie: await signIn(db(), admin), form: { intent: "comment", body: "Hej" } })).status).toBe(403);
    expect((await call(`/cases/${c.number}`, { cookie: await signIn(db(), w.people.otherConsultant), form: { intent: "comment", body: "Hej" } })).status).toBe(
      404,
    );
  });
});

describe("files on a case", () => {
  it("keeps a file by what its content is, under a safe name, and offers it only as a download, in the trail", async () => {
    const c = await newCase();
    const requester = await signIn(db(), w.people.requester);
    const sent = await call(`/cases/${c.number}`, { cookie: requester, multipart: upload(PNG, "..\\skärm<1>.pdf", false) });
    expect(sent.status, await sent.clone().text()).toBe(302);
    const [file] = await filesOf(c.number);
    expect(file).toMatchObject({ name: "skärm1.pdf.png", contentType: "image/png", size: PNG.byteLength, shared: false });

    const page = await (await call(`/cases/${c.number}`, { cookie: requester })).text();
    expect(page).toContain(`href="/cases/${c.number}/attachments/${file!.id}"`);
    const download = await call(`/cases/${c.number}/attachments/${file!.id}`, { cookie: requester });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment; filename="sk\?rm1\.pdf\.png"; filename\*=UTF-8''sk%C3%A4rm1\.pdf\.png$/);
    expect(download.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
    const trail = await db()
      .select({ event: auditLog.event, reason: auditLog.reason })
      .from(auditLog)
      .where(and(eq(auditLog.caseId, await idOf(c.number)), eq(auditLog.action, "case.attachment")));
    expect(trail).toEqual([
      { event: "ATTACHMENT_ADDED", reason: "skärm1.pdf.png" },
      { event: "ATTACHMENT_DOWNLOADED", reason: "skärm1.pdf.png" },
    ]);
  });

  it("shows the supplier only the shared files, and refuses a program and a file over 10 MB at the field", async () => {
    const c = await newCase();
    const requester = await signIn(db(), w.people.requester);
    await call(`/cases/${c.number}`, { cookie: requester, multipart: upload(PNG, "intern.png", false) });
    await call(`/cases/${c.number}`, { cookie: requester, multipart: upload(new TextEncoder().encode("Testprotokoll: allt gick bra.\n"), "protokoll", true) });
    const files = await filesOf(c.number);
    const internal = files.find((f) => f.name === "intern.png")!;
    const shared = files.find((f) => f.name === "protokoll.txt")!;
    expect(shared.contentType).toBe("text/plain");

    const supplier = await signIn(db(), w.people.consultant);
    const theirs = await (await call(`/cases/${c.number}`, { cookie: supplier })).text();
    expect(theirs).toContain("protokoll.txt");
    expect(theirs).not.toContain("intern.png");
    expect((await call(`/cases/${c.number}/attachments/${internal.id}`, { cookie: supplier })).status).toBe(404);
    expect((await call(`/cases/${c.number}/attachments/${shared.id}`, { cookie: supplier })).status).toBe(200);
    expect((await call(`/cases/${c.number}/attachments/${shared.id}`, { cookie: await signIn(db(), w.people.otherConsultant) })).status).toBe(404);
    const listed = (await (await call(`/api/v1/cases/${c.number}/attachments`, { headers: bearer(w.tokens.consultant) })).json()) as {
      items: { name: string }[];
    };
    expect(listed.items.map((f) => f.name)).toEqual(["protokoll.txt"]);

    const program = await call(`/cases/${c.number}`, { cookie: requester, multipart: upload(EXE, "rapport.pdf", false) });
    expect(program.status).toBe(422);
    expect(await program.text()).toContain("Den här filtypen tas inte emot.");
    const large = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61);
    const tooLarge = await call(`/cases/${c.number}`, { cookie: requester, multipart: upload(large, "stor.txt", false) });
    expect(tooLarge.status).toBe(422);
    expect(await tooLarge.text()).toContain("Filen är större än 10 MB.");
    expect((await filesOf(c.number)).length).toBe(2);

    // The API: a supplier's file is shared whatever it asks.
    const viaApi = new FormData();
    viaApi.set("file", new File([PNG as Uint8Array<ArrayBuffer>], "bild.png"));
    const posted = await call(`/api/v1/cases/${c.number}/attachments`, { headers: bearer(w.tokens.consultant), multipart: viaApi });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toMatchObject({ name: "bild.png", contentType: "image/png", shared: true });
  });

  it("sanitises names: no folders, control or reserved characters, the content's extension", () => {
    expect(sanitiseName("C:\\Users\\x\\rapport.PDF", "pdf")).toBe("rapport.pdf");
    expect(sanitiseName("../../etc/passwd", null)).toBe("passwd.txt");
    expect(sanitiseName("  .hidden\u0007.log ", null)).toBe("hidden.log");
    expect(sanitiseName("CON.txt", null)).toBe("_CON.txt");
    expect(sanitiseName("bild.jpeg", "jpg")).toBe("bild.jpeg");
    expect(sanitiseName("", "pdf")).toBe("fil.pdf");
    expect(sanitiseName(`${"a".repeat(300)}.pdf`, "pdf")).toBe(`${"a".repeat(90)}.pdf`);
  });
});
