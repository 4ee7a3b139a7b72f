import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { hashPassword, newPasswordSchema } from "~/access/password.server";
import { reauthenticate, recentlyVerified, recordSecurityChange, verifiedUntil } from "~/access/step-up.server";
import { addCredential, credentialsOf, removeCredential, renameCredential, verifyRegistration } from "~/access/webauthn.server";
import { ErrorSummary, Notice, SelectField, TextField } from "~/components/forms";
import { fetchWebAuthnOptions, WebAuthnButton } from "~/components/webauthn";
import { useT, type Msg } from "~/i18n";
import { createApiToken, listApiTokens, revokeApiToken } from "~/access/api-tokens.server";
import { audit } from "~/audit/audit.server";
import { deleteSessionById, listSessions } from "~/access/sessions.server";
import { setPassword } from "~/admin/people.server";
import { clientIp, requireSession } from "~/access/guards.server";
import { validate, type FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { rolesOf } from "~/access/roles";
import { endSubstitution, nameSubstitute, substitutionsOf } from "~/access/substitutes.server";
import { formErrors, WorkflowError } from "~/cases/errors";

export const handle = titled("settings.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, session } = await requireSession(request);
  const [credentials, sessions, tokens, substitutes] = await Promise.all([
    credentialsOf(db(), user.id),
    listSessions(db(), user.id),
    listApiTokens(db(), user.id),
    substitutionsOf(db(), user),
  ]);
  return {
    user: { name: user.name, email: user.email, roles: rolesOf(user) },
    credentials: credentials.map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt })),
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === session.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      ip: s.ip,
      userAgent: s.userAgent,
    })),
    tokens: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt })),
    verifiedUntil: verifiedUntil(session),
    substitutes,
  };
}

type Result = { section: string; errors?: FieldErrors; notice?: Msg; newToken?: string };

function parseJson(value: FormDataEntryValue | null): unknown {
  try {
    return JSON.parse(String(value ?? ""));
  } catch {
    return undefined;
  }
}

/** The changes that need a fresh check with an already registered key (app/access/step-up.server.ts). */
const SENSITIVE: Record<string, string> = { "add-key": "keys", "remove-key": "keys", password: "password", "create-token": "tokens" };

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireSession(request);
  const { user, session } = auth;
  const form = await readFormData(request, BODY_LIMITS.credentials);
  const ip = clientIp(context);
  const back = (notice: string, anchor: string) => redirect(`/settings?notice=${notice}#${anchor}`);
  const fail = (section: string, errors: FieldErrors, status = 422) => data<Result>({ section, errors }, { status });
  const intent = String(form.get("intent") ?? "");
  if (SENSITIVE[intent] && !recentlyVerified(session)) return fail(SENSITIVE[intent], { _form: { key: "settings.reauthFirst" } }, 403);

  switch (intent) {
    case "add-key": {
      const credential = await verifyRegistration(db(), parseJson(form.get("response")), "register", { sessionId: session.id });
      if (!credential) return fail("keys", { _form: { key: "webauthn.failed" } });
      const count = (await credentialsOf(db(), user.id)).length;
      await addCredential(db(), user.id, credential, `${String(form.get("name") ?? "")} ${count + 1}`.trim(), session.id);
      await recordSecurityChange(db(), user, "key-added", { ip, detail: { credentialId: credential.id } });
      return back("key-added", "keys");
    }
    case "rename-key": {
      const name = String(form.get("name") ?? "").trim();
      if (!name) return fail("keys", { [`name-${String(form.get("id"))}`]: { key: "validation.required" } });
      if (!(await renameCredential(db(), user.id, String(form.get("id")), name))) throw new Response("Not found", { status: 404 });
      return back("key-renamed", "keys");
    }
    case "remove-key": {
      const result = await removeCredential(db(), user.id, String(form.get("id")));
      if (result === "unknown") throw new Response("Not found", { status: 404 });
      if (result === "last") return fail("keys", { _form: { key: "settings.lastKey" } }, 409);
      await recordSecurityChange(db(), user, "key-removed", { ip, detail: { credentialId: String(form.get("id")) } });
      return back("key-removed", "keys");
    }
    case "reauthenticate": {
      if (!(await reauthenticate(db(), auth, parseJson(form.get("response")), ip))) return fail("verify", { _form: { key: "settings.verifyFailed" } }, 401);
      return back("verified", "verify");
    }
    case "password": {
      const parsed = validate(newPasswordSchema, { password: form.get("password"), confirm: form.get("confirm") });
      if (!parsed.ok) return fail("password", parsed.fieldErrors);
      await setPassword(db(), user.id, await hashPassword(parsed.value.password), ip);
      await recordSecurityChange(db(), user, "password-changed", { ip });
      return back("password-changed", "password");
    }
    case "end-session": {
      const id = String(form.get("id"));
      if (id === session.id || !(await deleteSessionById(db(), user.id, id))) throw new Response("Not found", { status: 404 });
      return back("session-ended", "sessions");
    }
    case "create-token": {
      const name = String(form.get("name") ?? "").trim();
      if (!name) return fail("tokens", { tokenName: { key: "validation.required" } });
      if (name.length > 100) return fail("tokens", { tokenName: { key: "validation.tooLong", params: { max: 100 } } });
      const { token, row } = await createApiToken(db(), user.id, name);
      await recordSecurityChange(db(), user, "token-created", { ip, detail: { tokenId: row.id, name } });
      return data<Result>({ section: "tokens", newToken: token, notice: { key: "settings.tokenCreated" } });
    }
    case "revoke-token": {
      const tokenId = parseId(form.get("id"));
      if (!tokenId || !(await revokeApiToken(db(), user.id, tokenId))) throw new Response("Not found", { status: 404 });
      await audit(db(), { action: "auth.token-revoked", actorUserId: user.id, subjectUserId: user.id, ip, detail: { tokenId } });
      return back("token-revoked", "tokens");
    }
    case "name-substitute": {
      try {
        await nameSubstitute(db(), user, {
          substituteId: parseId(form.get("substituteId")),
          startsOn: String(form.get("startsOn") ?? "").trim(),
          endsOn: String(form.get("endsOn") ?? "").trim(),
        });
      } catch (error) {
        if (error instanceof WorkflowError) return fail("substitutes", formErrors(error, { fields: ["substituteId", "startsOn", "endsOn"] }), error.status);
        throw error;
      }
      return back("substitute-named", "substitutes");
    }
    case "end-substitute": {
      const id = parseId(form.get("id"));
      if (!id) throw new Response("Not found", { status: 404 });
      try {
        await endSubstitution(db(), user, id);
      } catch (error) {
        if (error instanceof WorkflowError) throw new Response("Not found", { status: 404 });
        throw error;
      }
      return back("substitute-ended", "substitutes");
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

const NOTICES: Record<string, Msg["key"]> = {
  "key-added": "settings.keyAdded",
  "key-renamed": "form.saved",
  "key-removed": "settings.keyRemoved",
  verified: "settings.verified",
  "password-changed": "settings.passwordChanged",
  "session-ended": "settings.sessionEnded",
  "token-revoked": "settings.tokenRevoked",
  "substitute-named": "substitute.saved",
  "substitute-ended": "substitute.ended",
};

export default function Settings() {
  const { t, formatDateTime, formatList } = useT();
  const { user, credentials, sessions, tokens, verifiedUntil, substitutes } = useLoaderData<typeof loader>();
  const recentlyVerified = verifiedUntil !== null;
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const noticeKey = NOTICES[searchParams.get("notice") ?? ""];
  const errorsFor = (section: string) => (result?.section === section ? result.errors : undefined);
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <p>
        {user.name} · {user.email} · {formatList(user.roles.map((role) => t(`role.${role}`)))}
      </p>
      {noticeKey ? <Notice>{t(noticeKey)}</Notice> : null}

      <section aria-labelledby="verify">
        <h2 id="verify">{t("settings.verify")}</h2>
        <ErrorSummary errors={errorsFor("verify")} />
        {recentlyVerified ? (
          <p>{t("settings.verifiedUntil", { time: formatDateTime(verifiedUntil!) })}</p>
        ) : (
          <>
            <p>{t("settings.verifyIntro")}</p>
            <WebAuthnButton
              mode="authenticate"
              intent="reauthenticate"
              label={t("settings.verifyWithKey")}
              fetchOptions={() => fetchWebAuthnOptions("reauthenticate")}
            />
          </>
        )}
      </section>

      <section aria-labelledby="keys">
        <h2 id="keys">{t("settings.keys")}</h2>
        <p>{t("settings.keysIntro")}</p>
        <ErrorSummary errors={errorsFor("keys")} />
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("settings.keyName")}</th>
                <th scope="col">{t("settings.created")}</th>
                <th scope="col">{t("settings.lastUsed")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("settings.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {credentials.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Form method="post" className="inline-edit">
                      <input type="hidden" name="intent" value="rename-key" />
                      <input type="hidden" name="id" value={c.id} />
                      <label className="visually-hidden" htmlFor={`key-${c.id}`}>
                        {t("settings.keyName")}
                      </label>
                      <input id={`key-${c.id}`} name="name" defaultValue={c.name} maxLength={100} />
                      <button type="submit" className="button button--secondary">
                        {t("settings.rename")}
                      </button>
                    </Form>
                  </td>
                  <td>{formatDateTime(c.createdAt)}</td>
                  <td>{c.lastUsedAt ? formatDateTime(c.lastUsedAt) : t("settings.never")}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="id" value={c.id} />
                      <button
                        type="submit"
                        name="intent"
                        value="remove-key"
                        className="link-button"
                        disabled={credentials.length <= 1 || !recentlyVerified}
                        aria-describedby={credentials.length <= 1 ? "last-key-hint" : undefined}
                      >
                        {t("settings.removeKey", { name: c.name })}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {credentials.length <= 1 ? (
          <p id="last-key-hint" className="field__hint">
            {t("settings.lastKey")}
          </p>
        ) : null}
        {recentlyVerified ? (
          <WebAuthnButton
            mode="register"
            intent="add-key"
            label={t("settings.addKey")}
            fetchOptions={() => fetchWebAuthnOptions("register")}
            extra={{ name: t("webauthn.defaultName") }}
            className="button button--secondary"
          />
        ) : (
          <p className="field__hint">{t("settings.reauthFirst")}</p>
        )}
      </section>

      <section aria-labelledby="password">
        <h2 id="password">{t("settings.password")}</h2>
        <ErrorSummary errors={errorsFor("password")} />
        {recentlyVerified ? (
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="password" />
            <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
            <TextField
              label={t("invite.password")}
              hint={t("invite.passwordHint")}
              name="password"
              type="password"
              autoComplete="new-password"
              error={errorsFor("password")?.password}
              required
            />
            <TextField label={t("invite.confirm")} name="confirm" type="password" autoComplete="new-password" error={errorsFor("password")?.confirm} required />
            <button type="submit" className="button">
              {t("settings.changePassword")}
            </button>
          </Form>
        ) : (
          <p className="field__hint">{t("settings.reauthFirst")}</p>
        )}
      </section>

      <section aria-labelledby="sessions">
        <h2 id="sessions">{t("settings.sessions")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("settings.signedIn")}</th>
                <th scope="col">{t("settings.lastSeen")}</th>
                <th scope="col">{t("settings.device")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("settings.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastSeenAt)}</td>
                  <td>
                    {s.userAgent ?? "–"} {s.ip ? `(${s.ip})` : ""}
                  </td>
                  <td>
                    {s.current ? (
                      <span className="badge badge--ok">{t("settings.thisSession")}</span>
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" name="intent" value="end-session" className="link-button">
                          {t("settings.endSession")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="tokens">
        <h2 id="tokens">{t("settings.tokens")}</h2>
        <p>{t("settings.tokensIntro")}</p>
        {result?.section === "tokens" && result.newToken ? (
          <div className="notice" role="status">
            <p>{t("settings.tokenCreated")}</p>
            <p>
              <code className="token" data-testid="new-token">
                {result.newToken}
              </code>
            </p>
          </div>
        ) : null}
        <ErrorSummary errors={errorsFor("tokens")} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="create-token" />
          <TextField label={t("settings.tokenName")} name="name" maxLength={100} error={errorsFor("tokens")?.tokenName} required />
          <button type="submit" className="button button--secondary">
            {t("settings.createToken")}
          </button>
        </Form>
        {tokens.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("settings.tokenName")}</th>
                  <th scope="col">{t("settings.created")}</th>
                  <th scope="col">{t("settings.lastUsed")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("settings.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((tk) => (
                  <tr key={tk.id}>
                    <td>{tk.name}</td>
                    <td>{formatDateTime(tk.createdAt)}</td>
                    <td>{tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t("settings.never")}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="id" value={tk.id} />
                        <button type="submit" name="intent" value="revoke-token" className="link-button">
                          {t("settings.revokeToken", { name: tk.name })}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("settings.noTokens")}</p>
        )}
      </section>

      {substitutes.names || substitutes.standingIn.length ? <Substitutes errors={errorsFor("substitutes")} /> : null}
    </>
  );
}

/** Substitutes while away (app/access/substitutes.server.ts): whom one names, and for whom one stands in. */
function Substitutes({ errors }: { errors: FieldErrors | undefined }) {
  const { t, formatDate } = useT();
  const { substitutes } = useLoaderData<typeof loader>();
  const period = (s: { name: string; startsOn: string; endsOn: string }) =>
    t("substitute.period", { name: s.name, from: formatDate(s.startsOn), to: formatDate(s.endsOn) });
  return (
    <section aria-labelledby="substitutes">
      <h2 id="substitutes">{t("substitute.heading")}</h2>
      {substitutes.standingIn.length ? (
        <>
          <h3>{t("substitute.standingIn")}</h3>
          <ul id="standing-in">
            {substitutes.standingIn.map((s) => (
              <li key={s.id}>{period(s)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {substitutes.names ? (
        <>
          <p>{t("substitute.intro")}</p>
          <h3>{t("substitute.mine")}</h3>
          {substitutes.mine.length ? (
            <ul id="my-substitutes">
              {substitutes.mine.map((s) => (
                <li key={s.id}>
                  {period(s)}{" "}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={s.id} />
                    <button type="submit" name="intent" value="end-substitute" className="link-button">
                      {t("substitute.end")}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("substitute.none")}</p>
          )}
          <ErrorSummary errors={errors} />
          <Form method="post" className="event-form" noValidate>
            <input type="hidden" name="intent" value="name-substitute" />
            <SelectField label={t("substitute.person")} name="substituteId" error={errors?.substituteId} required>
              <option value="">{t("form.choose")}</option>
              {substitutes.colleagues.map((c) => (
                <option key={c.id} value={c.id}>
                  {`${c.name} (${c.email})`}
                </option>
              ))}
            </SelectField>
            <TextField type="date" label={t("substitute.from")} name="startsOn" error={errors?.startsOn} required />
            <TextField type="date" label={t("substitute.to")} name="endsOn" error={errors?.endsOn} required />
            <button type="submit" className="button button--secondary">
              {t("substitute.add")}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
