/**
 * The monitoring connector: while a window is open its system's alerts are silenced in
 * Prometheus Alertmanager (API v2). A silence ends at the window's end by itself; an extension
 * moves its end, a close expires it at once. The case number is the silence's comment.
 */
export type MonitoringConfig = { url: string; systemLabel: string };

const TIMEOUT_MS = 10_000;

async function call(config: MonitoringConfig, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${config.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return response;
}

async function failure(response: Response, what: string): Promise<Error> {
  const text = (await response.text().catch(() => "")).slice(0, 300);
  return new Error(`Alertmanager ${what}: HTTP ${response.status} ${text}`.trim());
}

export type Silence = { systems: string[]; endsAt: Date; comment: string; createdBy: string };

function body(config: MonitoringConfig, silence: Silence, id?: string) {
  const escaped = silence.systems.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    ...(id ? { id } : {}),
    matchers:
      silence.systems.length === 1
        ? [{ name: config.systemLabel, value: silence.systems[0], isRegex: false, isEqual: true }]
        : [{ name: config.systemLabel, value: escaped.join("|"), isRegex: true, isEqual: true }],
    // A silence starts when it is made (the real clock, whatever round of the scheduler made it).
    startsAt: new Date().toISOString(),
    endsAt: silence.endsAt.toISOString(),
    createdBy: silence.createdBy,
    comment: silence.comment,
  };
}

/** Creates a silence (or, given an id, updates it: Alertmanager may answer with a new id). Returns the id. */
export async function putSilence(config: MonitoringConfig, silence: Silence, id?: string): Promise<string> {
  const response = await call(config, "POST", "/api/v2/silences", body(config, silence, id));
  if (!response.ok) throw await failure(response, id ? "could not update the silence" : "could not create the silence");
  const { silenceID } = (await response.json()) as { silenceID: string };
  return silenceID;
}

/** Expires a silence; one already expired (or gone) is success. */
export async function expireSilence(config: MonitoringConfig, id: string): Promise<void> {
  const response = await call(config, "DELETE", `/api/v2/silence/${encodeURIComponent(id)}`);
  if (response.ok || response.status === 404) return;
  const state = await silenceState(config, id);
  if (state === "expired" || state === null) return;
  throw await failure(response, "could not expire the silence");
}

/** A silence's state ("active", "pending", "expired"), or null when Alertmanager does not know it. */
export async function silenceState(config: MonitoringConfig, id: string): Promise<string | null> {
  const response = await call(config, "GET", `/api/v2/silence/${encodeURIComponent(id)}`);
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, "could not read the silence");
  const silence = (await response.json()) as { status: { state: string } };
  return silence.status.state;
}

export async function monitoringHealth(config: MonitoringConfig): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await call(config, "GET", "/api/v2/status");
    if (!response.ok) return { ok: false, detail: `HTTP ${response.status}` };
    const status = (await response.json()) as { versionInfo?: { version?: string } };
    return { ok: true, detail: `Alertmanager ${status.versionInfo?.version ?? "?"}` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
