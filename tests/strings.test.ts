import { beforeAll, describe, expect, it } from "vitest";

import { cabMeetingRules, type User } from "../db/schema";
import { upcomingMeetings } from "~/cab/meetings.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { markStandard, saveTemplateFromCase, withdrawStandard } from "~/cases/templates.server";
import { addComment } from "~/cases/comments.server";
import { nameSubstitute } from "~/access/substitutes.server";
import { stockholmDate } from "../machines/calendar";
import { addAttachment } from "~/cases/attachments.server";
import { LANGUAGES, type Lang } from "~/i18n";
import { en } from "~/i18n/en";
import { mailEn } from "~/i18n/mail.en";
import { mailSv } from "~/i18n/mail.sv";
import { sv } from "~/i18n/sv";
import { renderMail } from "~/outbox/templates.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeUser } from "./support/factories";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * The portal in one language at a time: every page each role opens and every form error, in
 * Swedish and in English, through the built app (`npm run build` first), and every mail. A page
 * fails when it shows a sentence of the other language, an English word in Swedish, a bare
 * translation key (a missing text or plural form) or an unfilled {parameter}.
 */
const db = useTestDatabase();
let w: World;
let admin: User;
const made = { change: "", advanced: "", emergency: "", draft: "", standing: "", meeting: 0, template: 0, standard: 0 };

const texts: Record<Lang, Record<string, string>> = { sv: { ...sv, ...mailSv }, en: { ...en, ...mailEn } };
const other = (lang: Lang): Lang => (lang === "sv" ? "en" : "sv");

/**
 * Phrases only the other language has: each text cut at its parameters, the pieces of three words
 * or more that appear in no text of this language (so shared names and codes never count).
 */
function foreignPhrases(lang: Lang): string[] {
  // A text left the same in both languages (copied, not translated) does not make its phrases ours.
  const own = Object.entries(texts[lang])
    .filter(([key, text]) => text !== texts[other(lang)][key])
    .map(([, text]) => text)
    .join("\n");
  const phrases = new Set<string>();
  for (const text of Object.values(texts[other(lang)])) {
    for (const piece of text.split(/\{\w+\}|[\n:()"”“–]/)) {
      const phrase = piece.trim().replace(/[.,;!?]+$/, "");
      if (phrase.split(/\s+/).length >= 3 && !own.includes(phrase)) phrases.add(phrase);
    }
  }
  return [...phrases];
}
const FOREIGN: Record<Lang, string[]> = { sv: foreignPhrases("sv"), en: foreignPhrases("en") };

/** Words that are English and never Swedish; one of them in a Swedish page is an untranslated string. */
const ENGLISH_WORDS = /\b(the|and|with|is|are|invalid|expected|required|option|window|error|undefined|null|NaN)\b/i;

/** The keys a page could show bare if a text or a plural form were missing. */
const KEYS = [...new Set(Object.keys(sv).map((k) => k.replace(/_(one|other)$/, "")))];

/** What a reader gets from a page: its text and the attributes read out or shown, without scripts. */
function readable(html: string): string {
  const body = html.slice(html.indexOf("<body"));
  const attributes = [...body.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]);
  const text = body
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ");
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
  return [title, text, ...attributes]
    .join(" ")
    .replace(/&nbsp;|&#160;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}

/** The test's own data (names, titles, codes) is Swedish or neutral; it is taken out before the English-word check. */
function withoutData(text: string): string {
  let rest = text;
  for (const value of [w.tag, ...Object.values(w.systems).flatMap((s) => [s.code, s.name]), ...Object.values(w.people).map((p) => p.email)]) {
    rest = rest.split(value).join(" ");
  }
  return rest;
}

function problemsIn(lang: Lang, page: string): string[] {
  const found: string[] = [];
  for (const phrase of FOREIGN[lang]) if (page.includes(phrase)) found.push(`other language: "${phrase}"`);
  if (lang === "sv") {
    const english = ENGLISH_WORDS.exec(withoutData(page).replace(/https?:\/\/\S+/g, " "));
    if (english) found.push(`English word "${english[0]}" in …${page.slice(Math.max(0, english.index - 60), english.index + 60)}…`);
  }
  for (const key of KEYS) if (new RegExp(`(^|[\\s>(])${key.replace(/\./g, "\\.")}($|[\\s<).,])`).test(page)) found.push(`bare key ${key}`);
  const unfilled = /\{[a-zA-Z]+\}/.exec(page);
  if (unfilled) found.push(`unfilled ${unfilled[0]}`);
  return found;
}

const headersFor = (lang: Lang, cookie?: string) => ({ cookie, headers: { "Accept-Language": lang === "sv" ? "sv-SE,sv;q=0.9" : "en-GB,en;q=0.9" } });

async function pageIn(lang: Lang, path: string, cookie?: string, form?: Record<string, string | string[]>): Promise<string> {
  const response = await call(path, { ...headersFor(lang, cookie), ...(form ? { form } : {}) });
  expect([200, 404, 422], `${path}: ${response.status}`).toContain(response.status);
  return readable(await response.text());
}

beforeAll(async () => {
  w = await makeWorld(db());
  admin = await makeUser(db(), { organisationId: w.centre.id, role: "admin", name: `Administratör ${w.tag}` });
  await db().insert(cabMeetingRules).values({ weekday: 2, time: "13:00", location: "Rum Ängen" });
  made.meeting = (await upcomingMeetings(db()))[0]!.id;

  const change = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Uppgradera appen",
    window: windowAhead(4),
    reason: "Säkerhetsuppdatering",
    bookedWithSupplier: true,
    accounts: ["adm-lev"],
    supplierPeople: ["Per Persson, Integrationshuset"],
  });
  await applyEvent(db(), w.people.serviceCentre, change.number, { type: "APPROVE", reason: "Godkänd" });
  made.change = change.number;
  // A substitute named, so the settings page lists one (and the colleague's, whom they stand in for).
  await nameSubstitute(db(), w.people.requester, {
    substituteId: w.people.colleague.id,
    startsOn: stockholmDate(new Date()),
    endsOn: stockholmDate(new Date()),
  });
  // The thread and the files: an internal and a shared comment, an internal and a shared file.
  await addComment(db(), w.people.requester, change.number, { body: "Kontrollera med nätgruppen.", shared: false });
  await addComment(db(), w.people.serviceCentre, change.number, { body: "Bekräfta tiden, tack.", shared: true });
  await addAttachment(db(), w.people.requester, change.number, {
    name: "testprotokoll.txt",
    bytes: new TextEncoder().encode("Allt gick bra.\n"),
    shared: true,
  });
  await addAttachment(db(), w.people.requester, change.number, { name: "intern.txt", bytes: new Uint8Array(3 * 1024 * 1024).fill(0x61), shared: false });

  const advanced = await createCase(db(), w.people.requester, {
    type: "advanced-change",
    systemCode: w.systems.dbs.code,
    title: "Byt databasmotor",
    window: windowAhead(12),
    reason: "Versionen går ur support",
    bookedWithSupplier: true,
    affectedSystems: [w.systems.app.code],
    risk: "Avbrott i 30 minuter",
    testPlan: "Provas i testmiljön",
    rollbackPlan: "Återställ ögonblicksbilden",
  });
  await applyEvent(db(), w.people.serviceCentre, advanced.number, { type: "REFER_TO_CAB" });
  made.advanced = advanced.number;

  const emergency = await createCase(db(), w.people.requester, {
    type: "emergency",
    systemCode: w.systems.app.code,
    title: "Inloggningen fungerar inte",
    urgency: 1,
    impact: 1,
  });
  await applyEvent(db(), w.people.serviceCentre, emergency.number, { type: "APPROVE", reason: "Akut" });
  await applyEvent(db(), w.people.operations, emergency.number, { type: "GRANT" });
  made.emergency = emergency.number;

  made.draft = (await createCase(db(), w.people.requester, { type: "simple-change", systemCode: w.systems.app.code, title: "Utkast", draft: true })).number;
  made.standing = (
    await createCase(db(), w.people.requester, {
      type: "standing-access",
      systemCode: w.systems.app.code,
      title: "Läsbehörighet för support",
      justification: "Felsökning",
      agreementReference: "AVT-7",
      supplierPeople: ["Per Persson"],
      accounts: ["lev-konsult"],
    })
  ).number;
  // A template, a standard change and a withdrawn one: every kind of card on /templates.
  made.template = (await saveTemplateFromCase(db(), w.people.requester, made.change, "Mall för uppgradering")).id;
  made.standard = (await saveTemplateFromCase(db(), w.people.requester, made.advanced, "Standardändring för patchning")).id;
  await markStandard(db(), w.people.serviceCentre, made.standard, { reference: "CAB 2026-11-26 § 4" });
  const withdrawn = (await saveTemplateFromCase(db(), w.people.requester, made.advanced, "Tillbakadragen standardändring")).id;
  await markStandard(db(), w.people.serviceCentre, withdrawn, { reference: "CAB 2026-10-01 § 2" });
  await withdrawStandard(db(), w.people.cab, withdrawn, { reason: "Leverantören byter plattform" });
});

/** Each role's pages (what its navigation and start page lead to), with the objects made above. */
function pages(lang: Lang): { who: string; user: User | null; paths: string[] }[] {
  return [
    { who: "anonymous", user: null, paths: ["/login", "/status", "/no-such-page"] },
    {
      who: "requester",
      user: w.people.requester,
      paths: [
        "/",
        "/cases",
        "/cases/new",
        "/cases/new?type=change",
        "/cases/new?type=emergency",
        "/cases/new?type=standing-access",
        `/cases/${made.change}`,
        `/cases/${made.emergency}`,
        `/cases/${made.draft}/edit`,
        `/cases/new?type=change&copy=${made.change}`,
        `/cases/new?template=${made.template}`,
        `/cases/new?template=${made.standard}`,
        "/templates",
        "/schedule",
        "/schedule?view=month",
        "/settings",
      ],
    },
    {
      who: "service centre",
      user: w.people.serviceCentre,
      paths: [
        "/",
        "/service-centre",
        `/cases/${made.advanced}`,
        `/cases/${made.standing}`,
        "/cab",
        "/templates",
        "/reports",
        "/reports?from=2026-12-31&to=2026-01-01",
      ],
    },
    { who: "CAB", user: w.people.cab, paths: ["/", "/cab", `/cab/meetings/${made.meeting}`, `/cab/meetings/${made.meeting}/minutes`, "/templates"] },
    { who: "operations", user: w.people.operations, paths: ["/", "/operations", `/cases/${made.emergency}`] },
    { who: "supplier", user: w.people.consultant, paths: ["/", "/supplier", `/cases/${made.change}`, "/schedule"] },
    { who: "system owner", user: w.people.owner, paths: ["/", "/owner"] },
    {
      who: "admin",
      user: admin,
      paths: [
        "/admin",
        "/admin/organisations",
        "/admin/organisations/new",
        `/admin/organisations/${w.unit.id}`,
        "/admin/systems",
        "/admin/systems/new",
        `/admin/systems/${w.systems.app.code}`,
        "/admin/users",
        "/admin/users/new",
        `/admin/users/${w.people.requester.id}`,
        "/admin/blackouts",
        // The outbox lists each message's subject as it was sent: in its recipient's language (Swedish here).
        ...(lang === "sv" ? ["/admin/outbox"] : []),
      ],
    },
  ];
}

/** Forms sent empty (or half filled), so that every kind of field error is rendered. */
function forms(): { who: User; path: string; form: Record<string, string | string[]> }[] {
  const requester = w.people.requester;
  return [
    { who: requester, path: "/cases/new", form: { category: "change", intent: "submit" } },
    { who: requester, path: "/cases/new", form: { category: "change", intent: "draft", title: "Utkast utan svar", affectsOthers: "" } },
    {
      who: requester,
      path: "/cases/new",
      form: { category: "change", intent: "submit", start: "2020-01-01T10:00", end: "2020-01-01T09:00", affectsOthers: "yes" },
    },
    { who: requester, path: "/cases/new", form: { category: "emergency", intent: "submit", hours: "0" } },
    { who: requester, path: "/cases/new", form: { category: "emergency", intent: "submit", hours: "25", title: "x".repeat(300) } },
    { who: requester, path: "/cases/new", form: { category: "standing-access", intent: "submit" } },
    { who: requester, path: `/cases/${made.change}`, form: { intent: "comment", body: " " } },
    { who: admin, path: "/admin/organisations/new", form: {} },
    { who: admin, path: "/admin/systems/new", form: {} },
    { who: admin, path: "/admin/users/new", form: { email: "inte-en-adress" } },
    { who: admin, path: "/admin/blackouts", form: { intent: "create" } },
  ];
}

describe("the portal in one language", () => {
  for (const lang of LANGUAGES) {
    it(`shows every role's pages in ${lang === "sv" ? "Swedish" : "English"} only`, async () => {
      const failures: string[] = [];
      for (const { who, user, paths } of pages(lang)) {
        const cookie = user ? await signIn(db(), user) : undefined;
        for (const path of paths) {
          for (const problem of problemsIn(lang, await pageIn(lang, path, cookie))) failures.push(`${who} ${path}: ${problem}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it(`shows every form error in ${lang === "sv" ? "Swedish" : "English"} only`, async () => {
      const failures: string[] = [];
      for (const { who, path, form } of forms()) {
        const page = await pageIn(lang, path, await signIn(db(), who), form);
        for (const problem of problemsIn(lang, page)) failures.push(`${path} ${JSON.stringify(form).slice(0, 80)}: ${problem}`);
      }
      expect(failures).toEqual([]);
    });

    it(`writes every mail in ${lang === "sv" ? "Swedish" : "English"} only`, () => {
      const templates = Object.keys(mailSv)
        .filter((k) => k.endsWith(".subject"))
        .map((k) => k.slice("mail.".length, -".subject".length));
      expect(templates.length).toBeGreaterThan(10);
      const failures: string[] = [];
      for (const template of templates) {
        const payload = {
          number: "CHG-2027-00012",
          title: "Uppgradera appen",
          system: "APP",
          name: "Kim Konsult",
          url: "http://localhost:3000/cases/CHG-2027-00012",
          end: "2027-03-01T15:00:00.000Z",
          start: "2027-03-01T11:00:00.000Z",
          at: "2027-03-01T11:00:00.000Z",
          expiresAt: "2027-03-04T11:00:00.000Z",
          minutes: 8,
          change: "password-changed",
          ip: "192.0.2.1",
          reason: "Motivering",
          author: "Kim Konsult",
          by: "Kim Konsult",
          templatesUrl: "http://localhost:3000/templates",
          body: "Bekräfta tiden, tack.",
          meeting: "tisdag 2 mars",
          priority: 1,
          connector: "directory",
          action: "revoke",
          error: "connect ECONNREFUSED 127.0.0.1:389",
          count: 2,
          removed: "uid=ext-anna,ou=people,dc=sjovik,dc=se",
        };
        const mail = renderMail({ template, lang, payload });
        const readableMail = `${mail.subject}\n${mail.text}`.replace(/\s+/g, " ");
        for (const problem of problemsIn(lang, readableMail)) failures.push(`${template}: ${problem}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe("the dictionaries", () => {
  it("give every counted text both plural forms, in both languages", () => {
    for (const dictionary of [sv, en] as Record<string, string>[]) {
      for (const key of Object.keys(dictionary)) {
        if (key.endsWith("_one")) expect(dictionary[key.replace(/_one$/, "_other")], key).toBeDefined();
        if (key.endsWith("_other")) expect(dictionary[key.replace(/_other$/, "_one")], key).toBeDefined();
        // "{count} krockar" reads wrong for one: a count followed by a word needs plural forms.
        if (/\{count\} \p{L}/u.test(dictionary[key]!)) expect(key, dictionary[key]).toMatch(/_(one|other)$/);
      }
    }
  });

  it("have the same mail texts in both languages, with the same parameters", () => {
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(mailEn).sort()).toEqual(Object.keys(mailSv).sort());
    for (const [key, text] of Object.entries(mailSv)) expect(params(mailEn[key as keyof typeof mailEn]), key).toEqual(params(text));
  });

  it("keep the mail texts out of the browser's dictionary", () => {
    expect(Object.keys(sv).filter((k) => k.startsWith("mail."))).toEqual([]);
  });

  it("reach the browser a page at a time: the sign-in page loads the root's texts and its own, a small part of the dictionary, cached for good", async () => {
    const html = await (await call("/login", { headers: { "Accept-Language": "sv" } })).text();
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="(\/i18n\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.map((src) => src.replace(/^\/i18n\/sv\.[\w-]+\//, ""))).toEqual(["root.js", "login.js"]);
    const bodies = await Promise.all(
      scripts.map(async (src) => {
        const response = await call(src);
        expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
        return response.text();
      }),
    );
    const texts = bodies.join("");
    expect(texts).toContain(JSON.stringify(sv["login.title"]));
    expect(texts).not.toContain(JSON.stringify(sv["cab.vote.approve"]));
    expect(texts.length).toBeLessThan(JSON.stringify(sv).length / 8);
  });

  it("keep an action's answers out of its page: they come with a form posted without JavaScript, in the page it draws", async () => {
    const scriptsOf = async (response: Response) => [...(await response.text()).matchAll(/<script\b[^>]*\bsrc="(\/i18n\/[^"]+)"/g)].map((m) => m[1]!);
    const file = (src: string) => src.replace(/^\/i18n\/sv\.[\w-]+\//, "");
    const page = await scriptsOf(await call("/login", { headers: { "Accept-Language": "sv" } }));
    expect(page.map(file)).toEqual(["root.js", "login.js"]);
    const refused = await call("/login", {
      form: { email: "ingen@sjovik.se", password: "fel lösenord helt klart" },
      ip: "198.51.100.99",
      headers: { "Accept-Language": "sv" },
    });
    expect(refused.status).toBe(401);
    const answering = await scriptsOf(refused);
    expect(answering.map(file)).toEqual(["root.js", "login.js", "login~answers.js"]);
    const texts = async (src: string) => (await call(src)).text();
    expect(await texts(answering[2]!)).toContain(JSON.stringify(sv["login.invalid"]));
    expect(await texts(page[1]!)).not.toContain(JSON.stringify(sv["login.invalid"]));
  });
});
