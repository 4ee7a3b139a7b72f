import { beforeAll, describe, expect, it } from "vitest";

import { setDatabase } from "../db/client";
import { makeOrganisation, makeUser } from "./support/factories";
import { openDatabase } from "../db/open";
import type { Organisation, User } from "../db/schema";
import { getSystemByCode } from "~/admin/systems.server";
import { createApiToken } from "~/access/api-tokens.server";
import { BODY_LIMITS } from "~/http/body.server";
import { safeRedirect } from "~/http/safe-redirect";
import { appHandler, call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";

const db = useTestDatabase();
let unit: Organisation;
let admin: User;
let requester: User;

beforeAll(async () => {
  unit = await makeOrganisation(db(), { kind: "municipal-unit", name: "Kommunledningskontoret" });
  admin = await makeUser(db(), { organisationId: unit.id, role: "admin", name: "Alva Admin" });
  requester = await makeUser(db(), { organisationId: unit.id, role: "requester", name: "Rita Requester" });
});

describe("the shell and its languages", () => {
  it("renders the overview in Swedish by default", async () => {
    const response = await call("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("<title>Översikt – Leverantörsåtkomst</title>");
    expect(html).toContain("Hoppa till innehållet");
  });

  it("follows Accept-Language on a first visit and the chosen language after that", async () => {
    const english = await (await call("/", { headers: { "Accept-Language": "en-GB,en;q=0.9,sv;q=0.5" } })).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("<title>Overview – Supplier access</title>");

    const switched = await call("/language", { form: { lang: "sv", redirectTo: "/status" } });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("Location")).toBe("/status");
    const cookie = switched.headers.get("Set-Cookie")!.split(";")[0]!;
    const chosen = await (await call("/", { cookie, headers: { "Accept-Language": "en" } })).text();
    expect(chosen).toContain('<html lang="sv">');
  });

  it("never redirects off the site after a language switch", async () => {
    for (const target of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const response = await call("/language", { form: { lang: "en", redirectTo: target } });
      expect(response.headers.get("Location")).toBe("/");
    }
  });

  it("answers unknown addresses with a real, translated 404 page", async () => {
    const response = await call("/no/such/page");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Sidan finns inte");
    const english = await call("/no/such/page", { headers: { "Accept-Language": "en" } });
    expect(await english.text()).toContain("Page not found");
  });
});

describe("healthcheck", () => {
  it("is 200 while the database answers and 503 when it does not", async () => {
    const ok = await call("/healthcheck");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok" });

    const gone = await openDatabase({ backend: "pglite", migrate: false });
    await gone.close();
    const { currentDatabase } = await import("../db/client");
    const live = currentDatabase();
    setDatabase(gone);
    try {
      expect((await call("/healthcheck")).status).toBe(503);
    } finally {
      setDatabase(live);
    }
  });
});

describe("guards", () => {
  it("sends anonymous visitors of a protected page to sign in, with the way back", async () => {
    const response = await call("/admin/systems?inactive=1");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Fsystems%3Finactive%3D1");
  });

  it("shows each role its own places and refuses the others with 403", async () => {
    const cookie = await signIn(db(), requester);
    const html = await (await call("/", { cookie })).text();
    expect(html).toContain("Ny begäran");
    expect(html).not.toContain('href="/admin"');
    expect((await call("/admin/systems", { cookie })).status).toBe(403);
    expect((await call("/cases/new", { cookie })).status).toBe(200);
  });

  it("ends the session on the server at sign-out", async () => {
    const cookie = await signIn(db(), admin);
    expect((await call("/admin", { cookie })).status).toBe(200);
    const out = await call("/logout", { method: "POST", cookie });
    expect(out.status).toBe(302);
    expect((await call("/admin", { cookie })).status).toBe(302);
  });
});

describe("reference data administration", () => {
  it("lets the admin create a system, shows field errors in the visitor's language and keeps the input", async () => {
    const cookie = await signIn(db(), admin);
    const bad = await call("/admin/systems/new", {
      cookie,
      form: { intent: "save", code: "TOO LONG CODE WITH SPACES", name: "Parkering", ownerUnitId: String(unit.id), informationClass: "internal" },
    });
    expect(bad.status).toBe(422);
    const page = await bad.text();
    expect(page).toContain("2–20 tecken: versaler A–Z");
    expect(page).toContain('aria-invalid="true"');
    expect(page).toContain('value="Parkering"');

    const good = await call("/admin/systems/new", {
      cookie,
      form: { intent: "save", code: "PARK", name: "Parkering", ownerUnitId: String(unit.id), informationClass: "internal" },
    });
    expect(good.status).toBe(302);
    expect(good.headers.get("Location")).toBe("/admin/systems/PARK?notice=created");
    const list = await (await call("/admin/systems", { cookie })).text();
    expect(list).toContain("Parkering");
  });

  it("lets the admin add and remove a dependency in the browser's form", async () => {
    const cookie = await signIn(db(), admin);
    await call("/admin/systems/new", {
      cookie,
      form: { intent: "save", code: "BETAL", name: "Betaltjänst", ownerUnitId: String(unit.id), informationClass: "internal" },
    });
    const added = await call("/admin/systems/PARK", { cookie, form: { intent: "add-dependency", dependsOn: "BETAL" } });
    expect(added.status).toBe(302);
    expect((await getSystemByCode(db(), "PARK"))?.dependsOn).toEqual(["BETAL"]);
    const betal = await getSystemByCode(db(), "BETAL");
    await call("/admin/systems/PARK", { cookie, form: { intent: "remove-dependency", dependsOnId: String(betal!.id) } });
    expect((await getSystemByCode(db(), "PARK"))?.dependsOn).toEqual([]);
  });

  it("lets the admin create, rename and deactivate an organisation", async () => {
    const cookie = await signIn(db(), admin);
    const created = await call("/admin/organisations/new", {
      cookie,
      form: { intent: "save", name: "Ny Leverantör AB", kind: "supplier", mailbox: "support@ny.example" },
    });
    expect(created.status).toBe(302);
    const location = created.headers.get("Location")!;
    const id = location.split("/").pop()!.split("?")[0]!;
    const renamed = await call(`/admin/organisations/${id}`, {
      cookie,
      form: { intent: "save", name: "Nyare Leverantör AB", kind: "supplier", mailbox: "support@ny.example" },
    });
    expect(renamed.status).toBe(302);
    await call(`/admin/organisations/${id}`, { cookie, form: { intent: "deactivate" } });
    const list = await (await call("/admin/organisations?inactive=1", { cookie })).text();
    expect(list).toContain("Nyare Leverantör AB");
    expect(list).toContain("Inaktiv");
    expect((await call("/admin/organisations/999999", { cookie })).status).toBe(404);
  });
});

describe("edges that used to answer 500", () => {
  it("takes the last date a person may type, 2999-12-31, in every date filter", async () => {
    const cookie = await signIn(db(), admin);
    for (const path of [
      "/cases?to=2999-12-31",
      "/cases?from=2999-12-31&to=2999-12-31",
      "/schedule?date=2999-12-31",
      "/schedule?view=month&date=2999-12-31",
      "/audit.csv?from=2999-12-01&to=2999-12-31",
    ]) {
      const response = await call(path, { cookie });
      expect(response.status, path).toBe(200);
    }
    // One day later is not a date anyone plans for: the filter ignores it rather than failing.
    expect((await call("/cases?to=3000-01-01", { cookie })).status).toBe(200);
    expect((await call("/audit.csv?from=2999-12-31&to=3000-01-01", { cookie })).status).toBe(400);
  });

  it("keeps a way back with letters beyond Latin-1 (encoded), and refuses what is not a path of ours", async () => {
    const target = "/cases?q=Ω漢字😀";
    const encoded = "/cases?q=%CE%A9%E6%BC%A2%E5%AD%97%F0%9F%98%80";
    const switched = await call("/language", { form: { lang: "en", redirectTo: target } });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("Location")).toBe(encoded);
    const signedIn = await signIn(db(), requester);
    const login = await call(`/login?redirectTo=${encodeURIComponent(target)}`, { cookie: signedIn });
    expect(login.status).toBe(302);
    expect(login.headers.get("Location")).toBe(encoded);
    for (const bad of ["//evil.example/x", "https://evil.example", "/\\evil"]) {
      const response = await call("/language", { form: { lang: "en", redirectTo: bad } });
      expect(response.headers.get("Location"), JSON.stringify(bad)).toBe("/");
    }
    for (const bad of ["/a\u0000b", "/a\u007fb", "/bad\ud800"]) expect(safeRedirect(bad), JSON.stringify(bad)).toBe("/");
  });
});

describe("request bodies", () => {
  /** A body streamed in chunks with no Content-Length, counting how much of it the server pulled. */
  function streamed(total: number, chunk = 64 * 1024) {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        const size = Math.min(chunk, total - sent);
        sent += size;
        controller.enqueue(new TextEncoder().encode("a".repeat(size)));
      },
    });
    return { body, pulled: () => sent };
  }

  it("answers 413 to a declared body above the route's limit without reading it", async () => {
    const { body, pulled } = streamed(150 * 1024 * 1024);
    const request = new Request("http://localhost:3000/language", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(150 * 1024 * 1024) },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await (await appHandler())(request, { ip: "192.0.2.1" });
    expect(response.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    for (const [path, limit] of [
      ["/language", BODY_LIMITS.signIn],
      ["/login", BODY_LIMITS.signIn],
      ["/cases/new", BODY_LIMITS.caseForm],
    ] as const) {
      const { body, pulled } = streamed(150 * 1024 * 1024, 16 * 1024);
      const cookie = await signIn(db(), requester);
      const request = new Request(`http://localhost:3000${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
        body,
        duplex: "half",
      } as RequestInit);
      const response = await (await appHandler())(request, { ip: "192.0.2.1" });
      expect(response.status, path).toBe(413);
      expect(pulled(), path).toBeLessThanOrEqual(limit + 2 * 16 * 1024);
    }
  });

  it("limits API bodies too, and still takes a form or JSON body within its limit", async () => {
    const big = JSON.stringify({ type: "simple-change", title: "x".repeat(BODY_LIMITS.api) });
    const token = (await createApiToken(db(), requester.id, "t")).token;
    const api = await call("/api/v1/cases", { json: JSON.parse(big), headers: { Authorization: `Bearer ${token}` } });
    expect(api.status).toBe(413);
    expect(await api.json()).toMatchObject({ error: expect.stringContaining("larger than") });
    const small = await call("/language", { form: { lang: "en", redirectTo: "/status" } });
    expect(small.status).toBe(302);
  });
});
