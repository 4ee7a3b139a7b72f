import { type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { useMemo, type ReactNode } from "react";

import { db } from "../../db/client";
import { CASE_TYPES, SCHEDULE_STATES, TIME_ZONE } from "../../machines/vocabulary";
import { Pager } from "~/components/pager";
import { SelectField } from "~/components/forms";
import { useT } from "~/i18n";
import { audienceOf, conflictsFor } from "~/access/redaction";
import { feedState, handleFeedIntent, isFeedIntent } from "~/access/feed-intents.server";
import { CalendarFeedSection } from "~/components/calendar-feed";
import { SystemFilterField } from "~/components/system-filter";
import { systemFilterOf } from "~/ui/system-filter";
import scheduleStyles from "~/styles/schedule.css";
import { clientIp, requireSessionRole } from "~/access/guards.server";
import { isIsoDate, stockholmDate } from "../../machines/calendar";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { blackoutDays, isoWeek, lanesOf, scheduleChoices, scheduleOf, scheduleRange, type GridLane, type ScheduleRange } from "~/cases/schedule.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { hasRole } from "~/access/roles";

const place = PLACES.schedule;

const VIEWS = ["week", "month"] as const;

type View = (typeof VIEWS)[number];
type Query = { view: View; date: string; system: string; supplier: string; type: (typeof CASE_TYPES)[number] | ""; page: number };

/**
 * Systems per page of the grid: a municipality has a couple of hundred, and one page with all of
 * them is too long to read on any screen and too heavy to load on a phone (docs/benchmarks.md).
 */
export const SYSTEMS_PER_PAGE = 25;

const oneOf = <T extends string>(list: readonly T[], value: string): T | "" => ((list as readonly string[]).includes(value) ? (value as T) : "");

function readQuery(params: URLSearchParams, system: string, supplierIds: string[]): Query {
  const get = (name: string) => (params.get(name) ?? "").trim();
  const date = get("date");
  return {
    view: oneOf(VIEWS, get("view")) || "week",
    date: isIsoDate(date) ? date : "",
    system,
    supplier: oneOf(supplierIds, get("supplier")),
    type: oneOf(CASE_TYPES, get("type")),
    page: /^[1-9]\d{0,5}$/.test(get("page")) ? Number(get("page")) : 1,
  };
}

/** The address of the schedule for `query` with `changes`, leaving out what is empty or default. */
function hrefFor(query: Query, changes: Partial<Query> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.view !== "week") params.set("view", next.view);
  for (const name of ["date", "system", "supplier", "type"] as const) if (next[name]) params.set(name, next[name]);
  if (next.page > 1) params.set("page", String(next.page));
  const search = params.toString();
  return `/schedule${search ? `?${search}` : ""}`;
}

/** Lanes with plain, serialisable values for the page. */
function serialise(lanes: GridLane[]) {
  return lanes.map((lane) =>
    lane.map((item) =>
      item.kind === "window"
        ? {
            kind: "window" as const,
            key: item.window.number,
            first: item.first,
            span: item.span,
            startsBefore: item.startsBefore,
            endsAfter: item.endsAfter,
            number: item.window.number,
            title: item.window.title,
            type: item.window.type,
            status: item.window.status,
            state: item.window.state,
            start: item.window.start.toISOString(),
            end: item.window.end.toISOString(),
            supplierName: item.window.supplierName,
            conflict: item.window.conflict,
            freezeOverride: item.window.freezeOverride,
          }
        : {
            kind: "blackout" as const,
            key: `blackout-${item.blackout.id}`,
            first: item.first,
            span: item.span,
            startsBefore: item.startsBefore,
            endsAfter: item.endsAfter,
            reason: item.blackout.reason,
            start: item.blackout.start.toISOString(),
            end: item.blackout.end.toISOString(),
          },
    ),
  );
}

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireSessionRole(request, ...place.roles);
  const { user } = auth;
  const choices = await scheduleChoices(db(), user);
  const params = new URL(request.url).searchParams;
  const system = systemFilterOf(params.get("system") ?? "", choices.systems);
  const query = readQuery(
    params,
    system.code,
    choices.suppliers.map((s) => String(s.id)),
  );
  const today = stockholmDate(new Date());
  const range: ScheduleRange = scheduleRange(query.view, query.date || today);
  const [schedule, feed] = await Promise.all([
    scheduleOf(db(), user, {
      from: range.from,
      to: range.to,
      system: query.system || undefined,
      supplierId: query.supplier ? Number(query.supplier) : undefined,
      type: query.type || undefined,
    }),
    feedState(db(), auth, "schedule"),
  ]);
  const windows = schedule.rows.flatMap((r) => r.windows);
  // The counts are the whole period's; the grid shows one page of its systems (a page past the end shows the last).
  const pages = Math.max(1, Math.ceil(schedule.rows.length / SYSTEMS_PER_PAGE));
  const page = Math.min(query.page, pages);
  const shown = schedule.rows.slice((page - 1) * SYSTEMS_PER_PAGE, page * SYSTEMS_PER_PAGE);
  return {
    query,
    today,
    filtered: Boolean(query.system || query.supplier || query.type),
    range: { view: range.view, start: range.start, days: range.days, week: isoWeek(range.start) },
    links: {
      // Another period or view has other systems: its list starts at the first page.
      week: hrefFor(query, { view: "week", date: query.view === "week" ? range.start : query.date || "", page: 1 }),
      month: hrefFor(query, { view: "month", date: query.date ? range.start.slice(0, 8) + "01" : "", page: 1 }),
      previousPage: page > 1 ? hrefFor(query, { page: page - 1 }) : null,
      nextPage: page < pages ? hrefFor(query, { page: page + 1 }) : null,
      previous: hrefFor(query, { date: range.previous, page: 1 }),
      next: hrefFor(query, { date: range.next, page: 1 }),
      current: hrefFor(query, { date: "", page: 1 }),
    },
    systemFilter: system.filter,
    suppliers: choices.suppliers,
    globalLanes: serialise(lanesOf(range, [], schedule.globalBlackouts)),
    globalShaded: blackoutDays(range, schedule.globalBlackouts),
    systemsPage: {
      page,
      pages,
      from: shown.length ? (page - 1) * SYSTEMS_PER_PAGE + 1 : 0,
      to: (page - 1) * SYSTEMS_PER_PAGE + shown.length,
      total: schedule.rows.length,
    },
    rows: shown.map((r) => ({
      system: r.system,
      lanes: serialise(lanesOf(range, r.windows, r.blackouts)),
      shaded: blackoutDays(range, [...schedule.globalBlackouts, ...r.blackouts]),
    })),
    counts: { windows: windows.length, conflicts: conflictsFor(audienceOf(user), windows.filter((w) => w.conflict).length) },
    feed,
    canManageBlackouts: hasRole(user, "admin", "service-centre"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireSessionRole(request, ...place.roles);
  const form = await readFormData(request, BODY_LIMITS.form);
  if (!isFeedIntent(form.get("intent"))) throw new Response("Unknown intent", { status: 400 });
  const url = new URL(request.url);
  return handleFeedIntent(db(), auth, form, { kind: "schedule", ip: clientIp(context), back: `${url.pathname}${url.search}` });
}

export const handle = titled(place.label);

export const links: LinksFunction = () => [{ rel: "stylesheet", href: scheduleStyles }];

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = Data["rows"][number]["lanes"][number][number];

export default function Schedule() {
  const { t, lang, formatDateTime, formatDate } = useT();
  const data = useLoaderData<typeof loader>();
  const created = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const { query, range } = data;
  const month = range.view === "month";

  const formats = useMemo(() => {
    const locale = lang === "en" ? "en-GB" : "sv-SE";
    return {
      head: new Intl.DateTimeFormat(
        locale,
        month ? { timeZone: "UTC", weekday: "short", day: "numeric" } : { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" },
      ),
      month: new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "long", year: "numeric" }),
      time: new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" }),
    };
  }, [lang, month]);
  const noon = (date: string) => new Date(`${date}T12:00:00Z`);

  const first = range.days[0]!;
  const last = range.days[range.days.length - 1]!;
  const caption = month
    ? t("schedule.caption.month", { month: formats.month.format(noon(first)) })
    : t("schedule.caption.week", { week: range.week, from: formatDate(first), to: formatDate(last) });

  /** The cells of one lane: empty days (shaded in a blackout) and the items spanning their days. */
  function cells(lane: Item[], shaded: boolean[]): ReactNode[] {
    const out: ReactNode[] = [];
    for (let day = 0; day < range.days.length;) {
      const item = lane.find((i) => i.first === day);
      if (item) {
        out.push(
          <td key={item.key} colSpan={item.span}>
            {bar(item)}
          </td>,
        );
        day += item.span;
      } else {
        out.push(
          shaded[day] ? (
            <td key={day} className="sched-cell--blackout">
              <span className="visually-hidden">{t("schedule.blackout")}</span>
            </td>
          ) : (
            <td key={day} />
          ),
        );
        day += 1;
      }
    }
    return out;
  }

  function bar(item: Item, where: "grid" | "agenda" = "grid"): ReactNode {
    const compact = month && where === "grid";
    const span = `${formatDateTime(item.start)} – ${formatDateTime(item.end)}`;
    const before = item.startsBefore ? (
      <>
        <span aria-hidden="true">← </span>
        <span className="visually-hidden">{t("schedule.continuesBefore")} </span>
      </>
    ) : null;
    const after = item.endsAfter ? (
      <>
        <span aria-hidden="true"> →</span>
        <span className="visually-hidden"> {t("schedule.continuesAfter")}</span>
      </>
    ) : null;
    if (item.kind === "blackout") {
      return (
        <div className="sched-bar sched-bar--blackout" title={`${item.reason} (${span})`}>
          {before}
          <span aria-hidden="true">❄ </span>
          {t("schedule.blackout")}: {item.reason}
          <span className="visually-hidden">, {span}</span>
          {after}
        </div>
      );
    }
    return (
      <div
        className={`sched-bar sched-bar--${item.state}${item.conflict ? " sched-bar--conflict" : ""}`}
        {...(where === "grid" ? { "data-case": item.number } : { "data-agenda-case": item.number })}
        title={`${item.number} ${item.title} (${span})`}
      >
        {before}
        <Link to={`/cases/${item.number}`}>
          {item.conflict ? (
            <>
              <span className="sched-conflict" aria-hidden="true">
                ⚠{" "}
              </span>
              <span className="visually-hidden">{`${t("schedule.conflict")}: `}</span>
            </>
          ) : null}
          {item.number}
        </Link>
        {item.freezeOverride ? <span className="sched-bar__override">{t("schedule.freezeOverride")}</span> : null}
        {after}
        <span className="sched-bar__state">{t(`schedule.state.${item.state}`)}</span>
        {compact ? null : (
          <>
            <span className="sched-bar__title">{item.title}</span>
            <span className="sched-bar__time" aria-hidden="true">
              {formats.time.format(new Date(item.start))}–{formats.time.format(new Date(item.end))}
            </span>
          </>
        )}
        <span className="visually-hidden">
          {compact ? `, ${item.title}` : ""}, {t(`status.${item.status}`)}, {t(`type.${item.type}`)}, {span}
          {item.supplierName ? `, ${item.supplierName}` : ""}
        </span>
      </div>
    );
  }

  /**
   * The same period as a list of days for a narrow screen (the grid needs a wide one): each window
   * and blackout once, under the first day of it in the period, with its system.
   */
  function agenda(): ReactNode {
    const entries = [
      ...data.globalLanes.flat().map((item) => ({ item, system: t("conflict.allSystems") })),
      ...data.rows.flatMap((row) => row.lanes.flat().map((item) => ({ item, system: row.system.code }))),
    ].sort((a, b) => a.item.first - b.item.first || a.item.start.localeCompare(b.item.start));
    const byDay = new Map<number, typeof entries>();
    for (const entry of entries) {
      const onDay = byDay.get(entry.item.first);
      if (onDay) onDay.push(entry);
      else byDay.set(entry.item.first, [entry]);
    }
    return (
      <section className="sched-agenda" aria-labelledby="agenda-caption">
        <h2 id="agenda-caption">{caption}</h2>
        <ol>
          {[...byDay].map(([first, onDay]) => {
            const day = range.days[first]!;
            return (
              <li key={day} data-day={day}>
                <h3>
                  <time dateTime={day}>{formatDate(day)}</time>
                  {day === data.today ? ` (${t("schedule.today")})` : null}
                </h3>
                <ul>
                  {onDay.map(({ item, system }) => (
                    <li key={item.key}>
                      <span className="sched-agenda__system">{system}</span>
                      {bar(item, "agenda")}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ol>
      </section>
    );
  }

  const empty = data.rows.length === 0 && data.globalLanes.length === 0;
  const notice = searchParams.get("notice") === "feed-revoked";

  return (
    <>
      <h1>{t(place.label)}</h1>
      <div className="toolbar">
        <p className="lead">{t(place.blurb)}</p>
        {data.canManageBlackouts ? <Link to="/admin/blackouts">{t("schedule.manageBlackouts")}</Link> : null}
      </div>

      <nav className="sched-nav" aria-label={t("schedule.navigation")}>
        <ul>
          <li>
            <Link to={data.links.week} aria-current={month ? undefined : "page"}>
              {t("schedule.view.week")}
            </Link>
          </li>
          <li>
            <Link to={data.links.month} aria-current={month ? "page" : undefined}>
              {t("schedule.view.month")}
            </Link>
          </li>
        </ul>
        <ul>
          <li>
            <Link to={data.links.previous} rel="prev">
              <span aria-hidden="true">← </span>
              {t(month ? "schedule.previousMonth" : "schedule.previousWeek")}
            </Link>
          </li>
          <li>
            <Link to={data.links.current}>{t(month ? "schedule.thisMonth" : "schedule.thisWeek")}</Link>
          </li>
          <li>
            <Link to={data.links.next} rel="next">
              {t(month ? "schedule.nextMonth" : "schedule.nextWeek")}
              <span aria-hidden="true"> →</span>
            </Link>
          </li>
        </ul>
      </nav>

      <Form method="get" action="/schedule" role="search" aria-label={t("schedule.filters")} className="filters" key={location.search}>
        {query.view !== "week" ? <input type="hidden" name="view" value={query.view} /> : null}
        {query.date ? <input type="hidden" name="date" value={query.date} /> : null}
        <SystemFilterField label={t("schedule.filter.system")} value={query.system} filter={data.systemFilter} />
        {data.suppliers.length ? (
          <SelectField label={t("schedule.filter.supplier")} name="supplier" defaultValue={query.supplier}>
            <option value="">{t("schedule.filter.all")}</option>
            {data.suppliers.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        <SelectField label={t("schedule.filter.type")} name="type" defaultValue={query.type}>
          <option value="">{t("schedule.filter.all")}</option>
          {CASE_TYPES.filter((type) => type !== "standing-access").map((type) => (
            <option key={type} value={type}>
              {t(`type.${type}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button--secondary">
          {t("admin.filter")}
        </button>
        {data.filtered ? <Link to={hrefFor(query, { system: "", supplier: "", type: "", page: 1 })}>{t("schedule.filter.clear")}</Link> : null}
      </Form>

      <h2 id="legend-heading" className="visually-hidden">
        {t("schedule.legend")}
      </h2>
      <ul className="sched-legend" aria-labelledby="legend-heading">
        {SCHEDULE_STATES.map((state) => (
          <li key={state}>
            <span className={`sched-swatch sched-swatch--${state}`} aria-hidden="true" />
            <span>
              <strong>{t(`schedule.state.${state}`)}</strong> – {t(`schedule.state.${state}.help`)}
            </span>
          </li>
        ))}
        {data.counts.conflicts === null ? null : (
          <li>
            <span className="sched-swatch sched-swatch--conflict" aria-hidden="true" />
            <span>
              <strong>
                <span className="sched-conflict" aria-hidden="true">
                  ⚠{" "}
                </span>
                {t("schedule.conflict")}
              </strong>{" "}
              – {t("schedule.conflict.help")}
            </span>
          </li>
        )}
        <li>
          <span className="sched-swatch sched-swatch--blackout" aria-hidden="true" />
          <span>
            <strong>
              <span aria-hidden="true">❄ </span>
              {t("schedule.blackout")}
            </strong>{" "}
            – {t("schedule.blackout.help")}
          </span>
        </li>
      </ul>

      {empty ? (
        <>
          <h2>{caption}</h2>
          <p className="muted">{t(data.filtered ? "schedule.empty.filtered" : "schedule.empty")}</p>
        </>
      ) : (
        <>
          {data.systemsPage.pages > 1 ? (
            <p className="muted" id="systems-shown">
              {t("schedule.systems.shown", { from: data.systemsPage.from, to: data.systemsPage.to, total: data.systemsPage.total })}
            </p>
          ) : null}
          {agenda()}
          <div className="table-wrap sched-wrap" role="region" aria-labelledby="schedule-caption" tabIndex={0}>
            <table className={`sched-grid${month ? " sched-grid--month" : ""}`}>
              <caption id="schedule-caption">
                {caption}
                {" · "}
                {data.counts.conflicts === null
                  ? t("schedule.countWindows", { count: data.counts.windows })
                  : t("schedule.count", { count: data.counts.windows, conflicts: data.counts.conflicts })}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="sched-system">
                    {t("schedule.col.system")}
                  </th>
                  {range.days.map((day) => (
                    <th
                      key={day}
                      scope="col"
                      data-day={day}
                      className={day === data.today ? "sched-today" : undefined}
                      aria-current={day === data.today ? "date" : undefined}
                    >
                      <time dateTime={day}>{formats.head.format(noon(day))}</time>
                      {day === data.today ? <span className="visually-hidden"> ({t("schedule.today")})</span> : null}
                    </th>
                  ))}
                </tr>
              </thead>
              {data.globalLanes.length ? (
                <tbody>
                  {data.globalLanes.map((lane, i) => (
                    <tr key={i}>
                      {i === 0 ? (
                        <th scope="rowgroup" rowSpan={data.globalLanes.length} className="sched-system">
                          {t("conflict.allSystems")}
                        </th>
                      ) : null}
                      {cells(lane, data.globalShaded)}
                    </tr>
                  ))}
                </tbody>
              ) : null}
              {data.rows.map((row) => {
                const lanes = row.lanes.length ? row.lanes : [[]];
                return (
                  <tbody key={row.system.id} data-system={row.system.code}>
                    {lanes.map((lane, i) => (
                      <tr key={i}>
                        {i === 0 ? (
                          <th scope="rowgroup" rowSpan={lanes.length} className="sched-system">
                            {row.system.code}
                            <small>{row.system.name}</small>
                          </th>
                        ) : null}
                        {cells(lane, row.shaded)}
                      </tr>
                    ))}
                  </tbody>
                );
              })}
            </table>
          </div>
          <Pager
            previous={data.links.previousPage}
            next={data.links.nextPage}
            label={t("schedule.systems.pagination")}
            previousText={t("schedule.systems.previous")}
            nextText={t("schedule.systems.next")}
          >
            {t("cases.pageOf", { page: data.systemsPage.page, pages: data.systemsPage.pages })}
          </Pager>
        </>
      )}

      <CalendarFeedSection kind="schedule" state={data.feed} result={created?.feed} revoked={notice} action={hrefFor(query)} />
    </>
  );
}
