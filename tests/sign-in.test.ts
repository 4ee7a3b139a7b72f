import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { makeOrganisation } from "./support/factories";
import { apiTokens, auditLog, calendarFeeds, invitations, outbox, sessions, users, webauthnCredentials } from "../db/schema";
import { renderMail } from "~/outbox/templates.server";
import { deactivateUser, PEOPLE_PAGE_SIZE } from "~/admin/people.server";
import { call, Client, ORIGIN } from "./support/app";
import { acceptInvitation, account, invite, options, PASSWORD, signInOverHttp } from "./support/accounts";
import { cloneCredential, SoftwareAuthenticator } from "./support/authenticator";
import { changedElsewhere, useTestDatabase } from "./support/database";

const db = useTestDatabase();

const auditActions = async (userId: number) => (await db().select().from(auditLog).where(eq(auditLog.subjectUserId, userId))).map((row) => row.action);

describe("accepting an invitation", () => {
  it("needs a good password, then an authenticator, and lands on the role's start page signed in", async () => {
    const { user, token } = await invite(db(), "requester");
    const client = new Client();
    const page = await client.call(`/invite/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Välj lösenord");

    const short = await client.call(`/invite/${token}`, { form: { intent: "password", password: "kort", confirm: "kort" } });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("Lösenordet behöver minst 12 tecken.");
    const common = await client.call(`/invite/${token}`, { form: { intent: "password", password: "Password1234", confirm: "Password1234" } });
    expect(await common.text()).toContain("Lösenordet är för vanligt");
    const mismatch = await client.call(`/invite/${token}`, { form: { intent: "password", password: PASSWORD, confirm: `${PASSWORD}!` } });
    expect(await mismatch.text()).toContain("Lösenorden är inte lika.");

    // No authenticator yet: no account, no session.
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]?.status).toBe("invited");

    const { client: signedIn, landing } = await acceptInvitation(token, new SoftwareAuthenticator(), client);
    expect(landing).toBe("/"); // the requester's dashboard
    expect((await signedIn.call("/cases")).status).toBe(200);
    const [active] = await db().select().from(users).where(eq(users.id, user.id));
    expect(active?.status).toBe("active");
    expect(active?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await auditActions(user.id)).toContain("user.invitation-accepted");
  });

  it("refuses a used, an expired and an unknown invitation", async () => {
    const { token } = await invite(db());
    await acceptInvitation(token);
    const used = await call(`/invite/${token}`);
    expect(used.status).toBe(410);
    expect(await used.text()).toContain("Inbjudan är redan använd.");

    const late = await invite(db());
    await db()
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.userId, late.user.id));
    const expired = await call(`/invite/${late.token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("Inbjudan har gått ut");
    expect((await call(`/invite/${late.token}`, { form: { intent: "password", password: PASSWORD, confirm: PASSWORD } })).status).toBe(410);

    expect((await call("/invite/not-a-real-token")).status).toBe(404);
  });

  it("binds the registration challenge to its invitation and uses it once", async () => {
    const first = await invite(db());
    const second = await invite(db());
    const client = new Client();
    // No challenge before the password is chosen.
    expect((await client.call("/webauthn/options", { form: { purpose: "register-invitation", token: first.token } })).status).toBe(409);
    await client.call(`/invite/${first.token}`, { form: { intent: "password", password: PASSWORD, confirm: PASSWORD } });
    await client.call(`/invite/${second.token}`, { form: { intent: "password", password: PASSWORD, confirm: PASSWORD } });
    const creation = await options(client, { purpose: "register-invitation", token: first.token });
    const response = new SoftwareAuthenticator().register(creation, ORIGIN);
    // The first invitation's challenge does not open the second invitation.
    const crossed = await client.call(`/invite/${second.token}`, { form: { intent: "register", response: JSON.stringify(response) } });
    expect(crossed.status).toBe(422);
    const ok = await client.call(`/invite/${first.token}`, { form: { intent: "register", response: JSON.stringify(response) } });
    expect(ok.status).toBe(302);
  });
});

describe("signing in", () => {
  it("takes a password and then a security key, and only then opens a session", async () => {
    const { email, authenticator, user } = await account(db(), "service-centre");
    const client = new Client();
    const first = await client.call("/login", { form: { email, password: PASSWORD, redirectTo: "/schedule" } });
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/login/verify?redirectTo=%2Fschedule");
    // Parked between the steps: nothing opens yet.
    expect((await client.call("/service-centre")).status).toBe(302);

    const request = await options(client, { purpose: "sign-in" });
    const assertion = authenticator.authenticate(request, ORIGIN);
    const second = await client.call("/login/verify?redirectTo=%2Fschedule", { form: { intent: "verify", response: JSON.stringify(assertion) } });
    expect(second.status).toBe(302);
    expect(second.headers.get("Location")).toBe("/schedule");
    expect(client.has("__signin")).toBe(false);
    expect((await client.call("/service-centre")).status).toBe(200);
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(row?.lastSignInAt).not.toBeNull();
    expect(await auditActions(user.id)).toContain("auth.signed-in");
  });

  it("gives the same answer for an unknown address and a wrong password", async () => {
    const { email } = await account(db());
    const wrong = await call("/login", { form: { email, password: "fel lösenord helt klart" }, ip: "198.51.100.7" });
    const unknown = await call("/login", { form: { email: "ingen@sjovik.se", password: "fel lösenord helt klart" }, ip: "198.51.100.7" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = "Fel e-postadress eller lösenord.";
    expect(await wrong.text()).toContain(message);
    expect(await unknown.text()).toContain(message);
  });

  it("refuses a security key that is not the person's own, with a translated message", async () => {
    const { email } = await account(db());
    const stranger = await account(db());
    const client = new Client();
    await client.call("/login", { form: { email, password: PASSWORD } });
    const request = await options(client, { purpose: "sign-in" });
    // The other person's authenticator answers the challenge with its own credential.
    const assertion = stranger.authenticator.authenticate({ ...request, allowCredentials: [] }, ORIGIN);
    const response = await client.call("/login/verify", { form: { intent: "verify", response: JSON.stringify(assertion) } });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("Den här säkerhetsnyckeln är inte registrerad för ditt konto.");
    expect(client.has("__session")).toBe(false);
  });

  it("uses each challenge once: a replayed assertion opens nothing", async () => {
    const { email, authenticator } = await account(db());
    const { client, assertion, response } = await signInOverHttp(email, authenticator);
    expect(response.status).toBe(302);
    const thief = new Client();
    await thief.call("/login", { form: { email, password: PASSWORD } });
    const replay = await thief.call("/login/verify", { form: { intent: "verify", response: JSON.stringify(assertion) } });
    expect(replay.headers.get("Location")).toBe("/login?notice=expired");
    expect(thief.has("__session")).toBe(false);
    expect(client.has("__session")).toBe(true);
  });

  it("refuses a counter that does not move forward (a cloned key) and records it", async () => {
    const { email, authenticator, user } = await account(db());
    const [credentialId] = authenticator.credentialIds();
    const clone = cloneCredential(authenticator, credentialId!);
    expect((await signInOverHttp(email, authenticator)).response.status).toBe(302);
    const { response, client } = await signInOverHttp(email, clone);
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("kan vara kopierad");
    expect(client.has("__session")).toBe(false);
    expect(await auditActions(user.id)).toContain("auth.counter-regression");
  });

  it("locks an account after five failed passwords, with a clear message and an audit entry", async () => {
    const { email, user } = await account(db());
    for (let i = 0; i < 4; i++) {
      expect((await call("/login", { form: { email, password: `fel-${i}-lösenord!!` }, ip: "203.0.113.9" })).status).toBe(401);
    }
    const fifth = await call("/login", { form: { email, password: "fel-5-lösenord!!" }, ip: "203.0.113.9" });
    expect(fifth.status).toBe(429);
    // Even the right password is refused while locked.
    const right = await call("/login", { form: { email, password: PASSWORD }, ip: "203.0.113.10" });
    expect(right.status).toBe(429);
    expect(await right.text()).toMatch(/spärrad i \d+ minuter/);
    expect(await auditActions(user.id)).toContain("auth.locked-out");
  });

  it("locks an address that tries many accounts", async () => {
    const ip = "203.0.113.77";
    let last: Response | undefined;
    for (let i = 0; i < 20; i++) last = await call("/login", { form: { email: `gissning${i}@sjovik.se`, password: "gissat lösenord 123" }, ip });
    expect(last?.status).toBe(429);
    const other = await account(db());
    expect((await call("/login", { form: { email: other.email, password: PASSWORD }, ip })).status).toBe(429);
    expect((await call("/login", { form: { email: other.email, password: PASSWORD }, ip: "203.0.113.78" })).status).toBe(302);
  });
});

describe("sessions and tokens", () => {
  it("ends a session after 30 idle minutes and 12 hours in all, and at sign-out", async () => {
    const { client, user } = await account(db());
    expect((await client.call("/cases")).status).toBe(200);
    await changedElsewhere(db(), () =>
      db()
        .update(sessions)
        .set({ lastSeenAt: new Date(Date.now() - 31 * 60 * 1000) })
        .where(eq(sessions.userId, user.id)),
    );
    expect((await client.call("/cases")).status).toBe(302);

    const fresh = await account(db());
    await changedElsewhere(db(), () =>
      db()
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, fresh.user.id)),
    );
    expect((await fresh.client.call("/cases")).status).toBe(302);

    const third = await account(db());
    await third.client.call("/logout", { method: "POST" });
    expect((await db().select().from(sessions).where(eq(sessions.userId, third.user.id))).length).toBe(0);
  });

  it("authenticates the API with a personal token shown once, and refuses it after revocation", async () => {
    const { client } = await account(db());
    const created = await client.call("/settings", { form: { intent: "create-token", name: "Min automation" } });
    expect(created.status).toBe(200);
    const token = /data-testid="new-token">([^<]+)</.exec(await created.text())?.[1];
    expect(token).toMatch(/^sap_/);

    const me = await call("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: "requester" });
    const anonymous = await call("/api/v1/me");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "Authentication required" });
    expect((await call("/api/v1/me", { headers: { Authorization: "Bearer sap_guessed" } })).status).toBe(401);
    expect((await call("/api/v1/anything", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);

    const settings = await (await client.call("/settings")).text();
    expect(settings).toContain("Min automation");
    expect(settings).not.toContain(token);
    const id = /name="id" value="(\d+)"[^>]*\/><button type="submit" name="intent" value="revoke-token"/.exec(settings)?.[1];
    expect(id).toBeDefined();
    await client.call("/settings", { form: { intent: "revoke-token", id: id! } });
    expect((await call("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("ends every session and token of a deactivated person at once", async () => {
    const person = await account(db());
    const created = await person.client.call("/settings", { form: { intent: "create-token", name: "robot" } });
    const token = /data-testid="new-token">([^<]+)</.exec(await created.text())![1]!;
    const second = await signInOverHttp(person.email, person.authenticator);
    expect((await second.client.call("/cases")).status).toBe(200);

    const admin = await account(db(), "admin");
    const deactivate = await admin.client.call(`/admin/users/${person.user.id}`, { form: { intent: "deactivate" } });
    expect(deactivate.status).toBe(302);
    expect((await person.client.call("/cases")).status).toBe(302);
    expect((await second.client.call("/cases")).status).toBe(302);
    expect((await call("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await call("/login", { form: { email: person.email, password: PASSWORD } })).status).toBe(401);
    expect(await auditActions(person.user.id)).toContain("user.deactivated");
  });
});

describe("settings", () => {
  it("adds a second key, never removes the last one, and renames", async () => {
    const { client, authenticator, user } = await account(db());
    const onlyOne = (
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectUserId, user.id)))
    ).length;
    expect(onlyOne).toBeGreaterThan(0);
    const [firstId] = authenticator.credentialIds();
    const refused = await client.call("/settings", { form: { intent: "remove-key", id: firstId! } });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Den sista säkerhetsnyckeln kan inte tas bort.");

    const spare = new SoftwareAuthenticator();
    const creation = await options(client, { purpose: "register" });
    const added = await client.call("/settings", { form: { intent: "add-key", response: JSON.stringify(spare.register(creation, ORIGIN)), name: "Reserv" } });
    expect(added.status).toBe(302);
    expect((await client.call("/settings", { form: { intent: "remove-key", id: firstId! } })).status).toBe(302);
    // The spare key now signs in alone.
    expect((await signInOverHttp(user.email, spare)).response.status).toBe(302);
  });

  it("changes the password only after a fresh security-key check", async () => {
    const { client, authenticator, user } = await account(db());
    await db()
      .update(sessions)
      .set({ reauthenticatedAt: new Date(Date.now() - 10 * 60 * 1000) })
      .where(eq(sessions.userId, user.id));
    const newPassword = "ett helt nytt och långt lösenord";
    const stale = await client.call("/settings", { form: { intent: "password", password: newPassword, confirm: newPassword } });
    expect(stale.status).toBe(403);

    const request = await options(client, { purpose: "reauthenticate" });
    const check = await client.call("/settings", { form: { intent: "reauthenticate", response: JSON.stringify(authenticator.authenticate(request, ORIGIN)) } });
    expect(check.status).toBe(302);
    const changed = await client.call("/settings", { form: { intent: "password", password: newPassword, confirm: newPassword } });
    expect(changed.status).toBe(302);
    expect((await call("/login", { form: { email: user.email, password: PASSWORD } })).status).toBe(401);
    expect((await call("/login", { form: { email: user.email, password: newPassword } })).status).toBe(302);
  });
});

describe("sensitive changes", () => {
  /** Makes the session's last key check older than the five minutes a sensitive change allows. */
  const goStale = (userId: number) =>
    db()
      .update(sessions)
      .set({ reauthenticatedAt: new Date(Date.now() - 10 * 60 * 1000) })
      .where(eq(sessions.userId, userId));
  const mailsTo = async (email: string) =>
    (
      await db()
        .select()
        .from(outbox)
        .where(and(eq(outbox.recipient, email), eq(outbox.template, "account.securityChanged")))
    ).map((m) => m.payload.change);

  it("need a fresh check with a key the person already had: a stolen session adds no key, token, feed or password", async () => {
    const victim = await account(db());
    await goStale(victim.user.id);
    const thief = victim.client; // the session cookie is all a thief has
    const ownKey = new SoftwareAuthenticator();
    const creation = await options(thief, { purpose: "register" });
    const attempts = {
      "add-key": { intent: "add-key", response: JSON.stringify(ownKey.register(creation, ORIGIN)), name: "Min" },
      "remove-key": { intent: "remove-key", id: victim.authenticator.credentialIds()[0]! },
      password: { intent: "password", password: "tjuvens eget långa lösenord", confirm: "tjuvens eget långa lösenord" },
      "create-token": { intent: "create-token", name: "bakdörr" },
    };
    for (const [name, form] of Object.entries(attempts)) {
      const refused = await thief.call("/settings", { form });
      expect(refused.status, name).toBe(403);
      expect(await refused.text(), name).toContain("Bekräfta först med en av dina säkerhetsnycklar");
    }
    for (const page of ["/schedule"]) expect((await thief.call(page, { form: { intent: "create-feed" } })).status, page).toBe(403);
    expect(await db().select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, victim.user.id))).toHaveLength(1);
    expect(await db().select().from(apiTokens).where(eq(apiTokens.userId, victim.user.id))).toHaveLength(0);
    expect(await db().select().from(calendarFeeds).where(eq(calendarFeeds.userId, victim.user.id))).toHaveLength(0);
    expect((await call("/login", { form: { email: victim.email, password: PASSWORD } })).status).toBe(302);
    expect(await mailsTo(victim.email)).toEqual([]);
  });

  it("never count a check with a key added in the same session", async () => {
    const person = await account(db());
    const spare = new SoftwareAuthenticator();
    const added = await person.client.call("/settings", {
      form: { intent: "add-key", response: JSON.stringify(spare.register(await options(person.client, { purpose: "register" }), ORIGIN)), name: "Ny" },
    });
    expect(added.status).toBe(302);
    await goStale(person.user.id);
    // The new key is not even offered for the check …
    const request = (await options(person.client, { purpose: "reauthenticate" })) as { allowCredentials: { id: string }[] };
    expect(request.allowCredentials.map((c) => c.id)).toEqual(person.authenticator.credentialIds());
    // … and an assertion made with it anyway is refused, and recorded.
    const withSpare = spare.authenticate({ ...request, allowCredentials: [{ id: spare.credentialIds()[0]!, type: "public-key" }] } as never, ORIGIN);
    expect((await person.client.call("/settings", { form: { intent: "reauthenticate", response: JSON.stringify(withSpare) } })).status).toBe(401);
    expect(await auditActions(person.user.id)).toContain("auth.too-new");
    expect((await person.client.call("/settings", { form: { intent: "remove-key", id: person.authenticator.credentialIds()[0]! } })).status).toBe(403);
    // The key the person had before signing in does.
    const again = await options(person.client, { purpose: "reauthenticate" });
    expect(
      (
        await person.client.call("/settings", {
          form: { intent: "reauthenticate", response: JSON.stringify(person.authenticator.authenticate(again, ORIGIN)) },
        })
      ).status,
    ).toBe(302);
    expect((await person.client.call("/settings", { form: { intent: "remove-key", id: person.authenticator.credentialIds()[0]! } })).status).toBe(302);
  });

  it("are each mailed to the person, and audited", async () => {
    const person = await account(db());
    const spare = new SoftwareAuthenticator();
    await person.client.call("/settings", {
      form: { intent: "add-key", response: JSON.stringify(spare.register(await options(person.client, { purpose: "register" }), ORIGIN)), name: "Ny" },
    });
    await person.client.call("/settings", { form: { intent: "remove-key", id: spare.credentialIds()[0]! } });
    await person.client.call("/settings", { form: { intent: "create-token", name: "robot" } });
    await person.client.call("/settings", { form: { intent: "password", password: "ett nytt och långt lösenord", confirm: "ett nytt och långt lösenord" } });
    expect((await person.client.call("/schedule", { form: { intent: "create-feed" } })).status).toBe(200);
    expect((await mailsTo(person.email)).sort()).toEqual(["feed-created", "key-added", "key-removed", "password-changed", "token-created"]);
    expect(await auditActions(person.user.id)).toEqual(
      expect.arrayContaining(["auth.key-added", "auth.key-removed", "auth.token-created", "auth.password-changed", "auth.feed-created"]),
    );
    const [mail] = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, person.email), eq(outbox.template, "account.securityChanged")));
    const rendered = renderMail(mail!);
    expect(rendered.subject).toMatch(/^Ändring av ditt konto: /);
    expect(rendered.text).toContain("Om det inte var du");
  });

  it("revoke calendar feed addresses with sessions and tokens when a person is deactivated or reset", async () => {
    const admin = await account(db(), "admin");
    for (const intent of ["deactivate", "reset"]) {
      const person = await account(db());
      const created = await person.client.call("/schedule", { form: { intent: "create-feed" } });
      const feed = /\/feeds\/schedule\/(cal_[\w-]+)\.ics/.exec(await created.text())?.[1];
      expect(feed, intent).toBeDefined();
      expect((await call(`/feeds/schedule/${feed}.ics`)).status, intent).toBe(200);
      await admin.client.call(`/admin/users/${person.user.id}`, { form: { intent } });
      if (intent === "deactivate") await admin.client.call(`/admin/users/${person.user.id}`, { form: { intent: "reactivate" } });
      expect((await call(`/feeds/schedule/${feed}.ics`)).status, intent).toBe(404);
      const [row] = await db().select().from(calendarFeeds).where(eq(calendarFeeds.userId, person.user.id));
      expect(row?.revokedAt, intent).not.toBeNull();
    }
  });
});

describe("administering people", () => {
  it("lets the service centre invite supplier people only", async () => {
    const centre = await account(db(), "service-centre");
    await makeOrganisation(db(), { kind: "supplier", name: "Leverantören Konsult AB" });
    const page = await centre.client.call("/admin/users/new");
    expect(page.status).toBe(200);
    const supplierOrg = /<option value="(\d+)">Leverantören Konsult AB \(Systemleverantör\)/.exec(await page.text())?.[1];
    expect(supplierOrg).toBeDefined();
    const ok = await centre.client.call("/admin/users/new", {
      form: { email: "konsult@leverantor.example", name: "Kim Konsult", role: "supplier", organisationId: supplierOrg! },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("/invite/");
    const refused = await centre.client.call("/admin/users/new", {
      form: { email: "chef@sjovik.se", name: "Chef", role: "admin", organisationId: supplierOrg! },
    });
    expect(refused.status).toBe(422);
    expect((await centre.client.call("/admin/users")).status).toBe(403);
  });

  it("resets a person: keys and password gone, sessions ended, a new invitation works", async () => {
    const person = await account(db());
    const admin = await account(db(), "admin");
    const reset = await admin.client.call(`/admin/users/${person.user.id}`, { form: { intent: "reset" } });
    const url = /data-testid="invitation-url">([^<]+)</.exec(await reset.text())?.[1];
    expect(url).toContain("/invite/");
    expect((await person.client.call("/cases")).status).toBe(302);
    expect((await call("/login", { form: { email: person.email, password: PASSWORD } })).status).toBe(401);
    const { client } = await acceptInvitation(url!.split("/invite/")[1]!);
    expect((await client.call("/cases")).status).toBe(200);
  });

  it("lists people with role, organisation, status and last sign-in", async () => {
    const admin = await account(db(), "admin");
    const html = await (await admin.client.call("/admin/users")).text();
    expect(html).toContain(admin.email);
    expect(html).toContain("Administratör");
    expect(html).toContain("Aktiv");
  });

  it("searches people by name, e-mail address or organisation and shows them a page at a time", async () => {
    const admin = await account(db(), "admin");
    const tag = `Sokbar${Date.now().toString(36)}`;
    const org = await makeOrganisation(db(), { kind: "supplier", name: `${tag} Konsult AB` });
    await db()
      .insert(users)
      .values(
        Array.from({ length: PEOPLE_PAGE_SIZE + 2 }, (_, i) => ({
          email: `p${String(i).padStart(3, "0")}.${tag.toLowerCase()}@example.se`,
          name: `Person ${String(i).padStart(3, "0")}`,
          role: "supplier" as const,
          organisationId: org.id,
        })),
      );
    const page = async (query: string) => (await admin.client.call(`/admin/users${query}`)).text();
    // By organisation, case-insensitively: all of them, a page at a time, in name order.
    const first = await page(`?q=${tag.toUpperCase()}`);
    expect(first).toContain(`${PEOPLE_PAGE_SIZE + 2} personer`);
    expect(first).toContain("Person 049");
    expect(first).not.toContain("Person 050");
    expect(first).toMatch(new RegExp(`href="/admin/users\\?q=${tag.toUpperCase()}&amp;page=2"`));
    const second = await page(`?q=${tag.toUpperCase()}&page=2`);
    expect(second).toContain("Person 051");
    expect(second).not.toContain("Person 049");
    // By e-mail address: the one person.
    const one = await page(`?q=p007.${tag}`);
    expect(one).toContain("1 person<");
    expect(one).toContain("Person 007");
    // LIKE's wildcards are searched for as themselves.
    expect(await page(`?q=${encodeURIComponent("%")}`)).toContain("Ingen person matchar sökningen.");
    // Without a search: everyone, counted, the first page of them.
    expect(await page("")).toMatch(/href="\/admin\/users\?page=2"/);
  });
});

describe("deactivation through the model", () => {
  it("is idempotent for sessions already gone", async () => {
    const person = await account(db());
    await deactivateUser(db(), person.user.id, null);
    await deactivateUser(db(), person.user.id, null);
    expect((await db().select().from(users).where(eq(users.id, person.user.id)))[0]?.status).toBe("deactivated");
  });
});
