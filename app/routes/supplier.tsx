import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";

import { db } from "../../db/client";
import { supplierStandingAccess } from "~/cases/standing-access.server";
import { ErrorSummary, Notice, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { feedState, handleFeedIntent, isFeedIntent, type FeedResult } from "~/access/feed-intents.server";
import { CalendarFeedSection } from "~/components/calendar-feed";
import { clientIp, requireSessionRole } from "~/access/guards.server";
import type { FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import {
  askForMoreTime,
  endAccess,
  MAX_EXTENSION_HOURS,
  PAST_DAYS,
  SECTION_SIZE,
  supplierOverview,
  UPCOMING_DAYS,
  timeLeft,
  type SupplierWindow,
} from "~/cases/supplier.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * The supplier's page ("Mina åtkomstfönster"): their organisation's access windows — open now,
 * upcoming in the next 90 days (the schedule has the rest) and closed in the last 30 days — with what is needed to do the work, the two things a
 * supplier does on an open window (end it, ask for more time) and a personal calendar feed.
 */
const place = PLACES.supplier;

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireSessionRole(request, ...place.roles);
  const { user } = auth;
  const now = new Date();
  const shown = new URL(request.url).searchParams.getAll("all");
  const [overview, feed, standing] = await Promise.all([
    supplierOverview(db(), user, now, { upcoming: shown.includes("upcoming"), past: shown.includes("past") }),
    feedState(db(), auth, "supplier"),
    supplierStandingAccess(db(), user, shown.includes("standing") ? undefined : SECTION_SIZE),
  ]);
  return {
    open: overview.open.map((w) => ({ ...w, left: timeLeft(w.end, now) })),
    waiting: overview.waiting,
    // Upcoming, past and standing cards leave out how to log in: it is said once per system below them.
    upcoming: overview.upcoming.windows.map(withoutLogin),
    upcomingTotal: overview.upcoming.total,
    later: overview.later,
    upcomingDays: UPCOMING_DAYS,
    logins: loginsOf([...overview.upcoming.windows, ...standing.standing]),
    past: overview.past.windows.map(withoutLogin),
    pastTotal: overview.past.total,
    standing: standing.standing.map(withoutLogin),
    standingTotal: standing.total,
    feed,
    pastDays: PAST_DAYS,
    maxExtensionHours: MAX_EXTENSION_HOURS,
  };
}

export const handle = titled(place.label);

const withoutLogin = <T extends { loginInstructions: string }>({ loginInstructions: _, ...rest }: T): Omit<T, "loginInstructions"> => rest;

/** How to log in to each system of these windows and standing access, once per system, in the order they come. */
function loginsOf(windows: readonly { system: { code: string; name: string }; loginInstructions: string }[]): { code: string; name: string; text: string }[] {
  const bySystem = new Map<string, { code: string; name: string; text: string }>();
  for (const w of windows) if (!bySystem.has(w.system.code)) bySystem.set(w.system.code, { ...w.system, text: w.loginInstructions });
  return [...bySystem.values()];
}

type Intent = "end" | "extend";
type Failed = { intent: Intent; number: string; values: Record<string, string>; errors: FieldErrors };

const NOTICES: Record<string, MessageKey> = {
  ended: "supplier.notice.ended",
  "extension-requested": "supplier.notice.extensionRequested",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireSessionRole(request, ...place.roles);
  const { user } = auth;
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  if (isFeedIntent(intent)) return handleFeedIntent(db(), auth, form, { kind: "supplier", ip: clientIp(context), back: place.path });
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };

  if (intent !== "end" && intent !== "extend") throw new Response("Unknown intent", { status: 400 });

  const number = text("number").trim().toUpperCase();
  if (!number || number.length > 40) throw new Response("Unknown case", { status: 400 });
  const values: Record<string, string> = intent === "end" ? { reason: text("reason") } : { end: text("end"), reason: text("reason") };
  const outcome =
    intent === "end"
      ? await endAccess(db(), user, number, values.reason ?? "")
      : await askForMoreTime(db(), user, number, { end: values.end ?? "", reason: values.reason ?? "" });
  if (!outcome.ok) return data<Failed>({ intent, number, values, errors: outcome.errors }, { status: outcome.status });
  const notice = intent === "end" ? "ended" : "extension-requested";
  return redirect(`${place.path}?${new URLSearchParams({ notice, case: number })}`);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type OpenWindow = LoaderData["open"][number];

export default function SupplierPage() {
  const { t, formatDate, formatDateTime } = useT();
  const { open, waiting, upcoming, upcomingTotal, later, upcomingDays, logins, past, pastTotal, standing, standingTotal, feed, pastDays, maxExtensionHours } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Failed | FeedResult | undefined;
  const failed = result && "errors" in result ? result : undefined;
  const created = result && "feed" in result ? result : undefined;
  const [searchParams] = useSearchParams();
  const noticeKey = NOTICES[searchParams.get("notice") ?? ""];
  return (
    <>
      <h1>{t(place.label)}</h1>
      <p className="lead">{t(place.blurb)}</p>
      {noticeKey && !failed ? <Notice>{t(noticeKey, { number: searchParams.get("case") ?? "" })}</Notice> : null}
      <ErrorSummary errors={failed?.errors} />

      <Section id="supplier-open" heading={"supplier.open"} empty={"supplier.none.open"} count={open.length}>
        {open.map((w) => (
          <WindowCard
            key={w.number}
            w={w}
            actions={<OpenActions w={w} maxHours={maxExtensionHours} failed={failed?.number === w.number ? failed : undefined} />}
          >
            <p className="supplier-left">
              <strong>{!w.left ? t("supplier.overdue") : w.left.hours ? t("supplier.timeLeft", w.left) : t("supplier.minutesLeft", w.left)}</strong> ·{" "}
              {t("supplier.endsAt", { time: formatDateTime(w.end) })}
            </p>
          </WindowCard>
        ))}
      </Section>

      {waiting.length ? (
        <Section id="supplier-waiting" heading={"supplier.waiting"} hint={"supplier.waitingHint"} empty={"supplier.none.upcoming"} count={waiting.length}>
          {waiting.map((w) => (
            <WindowCard key={w.number} w={w} />
          ))}
        </Section>
      ) : null}

      <Section id="supplier-upcoming" heading={"supplier.upcoming"} params={{ days: upcomingDays }} empty={"supplier.none.upcoming"} count={upcomingTotal}>
        {upcoming.map((w) => (
          <WindowCard key={w.number} w={w} />
        ))}
      </Section>
      <ShowAll section="upcoming" shown={upcoming.length} total={upcomingTotal} />
      {later ? (
        <p data-later={later}>
          {t("supplier.later", { count: later, days: upcomingDays })} <Link to={PLACES.schedule.path}>{t("supplier.laterLink")}</Link>
        </p>
      ) : null}

      <Section id="supplier-past" heading={"supplier.past"} params={{ days: pastDays }} empty={"supplier.none.past"} count={pastTotal}>
        {past.map((w) => (
          <WindowCard key={w.number} w={w}>
            {w.closedAt ? <p className="muted">{t("supplier.closedAt", { time: formatDateTime(w.closedAt) })}</p> : null}
          </WindowCard>
        ))}
      </Section>
      <ShowAll section="past" shown={past.length} total={pastTotal} />

      <Section id="supplier-standing" heading={"supplier.standing"} hint={"supplier.standing.intro"} empty={"supplier.standing.none"} count={standingTotal}>
        {standing.map((s) => (
          <li key={s.number}>
            <article className="card" aria-labelledby={`standing-${s.number}`} data-standing={s.number}>
              <h3 id={`standing-${s.number}`}>
                {s.system.name} ({s.system.code}) · {s.number}
              </h3>
              <p>{s.title}</p>
              <dl className="facts">
                <dt>{t("supplier.standing.state")}</dt>
                <dd>
                  {s.status === "awaiting-consent"
                    ? t("supplier.standing.awaiting")
                    : s.accountsReady
                      ? t("supplier.standing.accountsReady")
                      : s.accountsDueAt
                        ? t("supplier.standing.accountsPending", { at: formatDateTime(s.accountsDueAt) })
                        : t(`status.${s.status}`)}
                </dd>
                {s.consentUntil ? (
                  <>
                    <dt>{t("supplier.standing.until")}</dt>
                    <dd>{formatDate(s.consentUntil)}</dd>
                  </>
                ) : null}
                <dt>{t("supplier.accounts")}</dt>
                <dd>{s.accounts.length ? s.accounts.join(", ") : t("supplier.noAccounts")}</dd>
                <dt>{t("supplier.howToLogIn")}</dt>
                <dd>
                  <a href={`#login-${s.system.code}`}>{t("supplier.loginBelow", { system: s.system.name })}</a>
                </dd>
              </dl>
            </article>
          </li>
        ))}
      </Section>

      <ShowAll section="standing" shown={standing.length} total={standingTotal} />

      {logins.length ? (
        <section id="supplier-logins" aria-labelledby="supplier-logins-heading">
          <h2 id="supplier-logins-heading">{t("supplier.logins")}</h2>
          {logins.map((l) => (
            <section key={l.code} id={`login-${l.code}`} aria-labelledby={`login-${l.code}-heading`}>
              <h3 id={`login-${l.code}-heading`}>
                {l.name} ({l.code})
              </h3>
              <p className="prose">{l.text || t("supplier.howToLogIn.text")}</p>
            </section>
          ))}
        </section>
      ) : null}

      <CalendarFeedSection kind="supplier" state={feed} result={created?.feed} revoked={searchParams.get("notice") === "feed-revoked"} />
    </>
  );
}

function Section({
  id,
  heading,
  params,
  hint,
  empty,
  count,
  children,
}: {
  id: string;
  heading: MessageKey;
  hint?: MessageKey;
  params?: Record<string, number>;
  empty: MessageKey;
  count: number;
  children: ReactNode;
}) {
  const { t } = useT();
  return (
    <section id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {t(heading, params)} <span className="muted">({count})</span>
      </h2>
      {hint ? <p>{t(hint)}</p> : null}
      {count === 0 ? <p className="muted">{t(empty, params)}</p> : <ul style={{ listStyle: "none", padding: 0 }}>{children}</ul>}
    </section>
  );
}

/** "Show all N windows" under a section that shows only its first ones. */
function ShowAll({ section, shown, total }: { section: "upcoming" | "past" | "standing"; shown: number; total: number }) {
  const { t } = useT();
  const [searchParams] = useSearchParams();
  if (shown >= total) return null;
  const all = new URLSearchParams(searchParams);
  all.delete("notice");
  all.delete("case");
  all.append("all", section);
  return (
    <p>
      <Link to={`?${all}#supplier-${section}`}>{t("supplier.showAll", { count: total })}</Link>
    </p>
  );
}

/** A window on the page; without `loginInstructions` (upcoming and past), its login row points to the system's text below. */
function WindowCard({ w, children, actions }: { w: SupplierWindow | Omit<SupplierWindow, "loginInstructions">; children?: ReactNode; actions?: ReactNode }) {
  const { t, formatDateTime } = useT();
  const headingId = `window-${w.number}`;
  return (
    <li>
      <article className="card" style={{ marginBottom: "1rem" }} aria-labelledby={headingId} data-case={w.number}>
        <h3 id={headingId}>
          {w.system.name} · <span className="case-number">{w.number}</span> {w.title}
        </h3>
        {children}
        <dl className="facts">
          <dt>{t("supplier.system")}</dt>
          <dd>
            {w.system.name} ({w.system.code})
          </dd>
          <dt>{t("supplier.window")}</dt>
          <dd>
            {formatDateTime(w.start)} – {formatDateTime(w.end)}
          </dd>
          <dt>{t("supplier.accounts")}</dt>
          <dd>
            {w.accounts.length ? (
              <ul className="supplier-accounts">
                {w.accounts.map((a) => (
                  <li key={a}>
                    <code>{a}</code>
                  </li>
                ))}
              </ul>
            ) : (
              t("supplier.noAccounts")
            )}
          </dd>
          {w.people.length ? (
            <>
              <dt>{t("supplier.people")}</dt>
              <dd>{w.people.join(", ")}</dd>
            </>
          ) : null}
          {"loginInstructions" in w ? (
            <>
              <dt>{t("supplier.howToLogIn")}</dt>
              <dd className="prose">{w.loginInstructions || t("supplier.howToLogIn.text")}</dd>
            </>
          ) : w.status === "scheduled" ? (
            <>
              <dt>{t("supplier.howToLogIn")}</dt>
              <dd>
                <a href={`#login-${w.system.code}`}>{t("supplier.loginBelow", { system: w.system.name })}</a>
              </dd>
            </>
          ) : null}
          <dt>{t("supplier.contact")}</dt>
          <dd>
            {w.contact.name}, <a href={`mailto:${w.contact.email}`}>{w.contact.email}</a>
          </dd>
          {w.pendingExtension ? (
            <>
              <dt>{t("supplier.extension")}</dt>
              <dd>{t("supplier.pendingExtension", { end: formatDateTime(w.pendingExtension.end) })}</dd>
            </>
          ) : null}
        </dl>
        {actions}
      </article>
    </li>
  );
}

function OpenActions({ w, maxHours, failed }: { w: OpenWindow; maxHours: number; failed?: Failed }) {
  const { t, formatDateTime } = useT();
  const navigation = useNavigation();
  const busy = (intent: Intent) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent && navigation.formData?.get("number") === w.number;
  const errorsFor = (intent: Intent) => (failed?.intent === intent ? failed.errors : undefined);
  const valueOf = (intent: Intent, name: string) => (failed?.intent === intent ? failed.values[name] : undefined);
  const endErrors = errorsFor("end");
  const extendErrors = errorsFor("extend");
  return (
    <div className="event-forms">
      <Form method="post" className="event-form" noValidate>
        <input type="hidden" name="number" value={w.number} />
        <h4>{t("supplier.end.title")}</h4>
        <TextArea
          label={t("supplier.end.note")}
          name="reason"
          rows={2}
          maxLength={4000}
          optional
          defaultValue={valueOf("end", "reason")}
          error={endErrors?.reason}
        />
        {endErrors?._form ? (
          <p className="field__error" role="alert">
            {t(endErrors._form)}
          </p>
        ) : null}
        <button type="submit" name="intent" value="end" className="button" disabled={busy("end")}>
          {t("supplier.end.submit")}
          <span className="visually-hidden"> {w.number}</span>
        </button>
      </Form>
      {w.pendingExtension ? null : (
        <details open={Boolean(extendErrors)}>
          <summary>{t("supplier.extend.title")}</summary>
          <Form method="post" className="event-form" noValidate>
            <input type="hidden" name="number" value={w.number} />
            <TextField
              label={t("supplier.extend.end")}
              hint={t("supplier.extend.endHint", { end: formatDateTime(w.end), hours: maxHours })}
              type="datetime-local"
              name="end"
              required
              defaultValue={valueOf("extend", "end")}
              error={extendErrors?.end}
            />
            <TextArea
              label={t("supplier.extend.reason")}
              name="reason"
              rows={3}
              maxLength={4000}
              required
              defaultValue={valueOf("extend", "reason")}
              error={extendErrors?.reason}
            />
            {extendErrors?._form ? (
              <p className="field__error" role="alert">
                {t(extendErrors._form)}
              </p>
            ) : null}
            <button type="submit" name="intent" value="extend" className="button button--secondary" disabled={busy("extend")}>
              {t("supplier.extend.submit")}
              <span className="visually-hidden"> {w.number}</span>
            </button>
          </Form>
        </details>
      )}
    </div>
  );
}
