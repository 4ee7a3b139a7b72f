import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The one environment schema. Everything the portal reads from the process environment is
 * declared, defaulted and validated here, once, at boot; a bad value stops the process with a
 * message that names the variable.
 */
const booleanString = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535")
      .default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// or postgresql:// URL")
      .optional(),
    PGLITE_DATA_DIR: z.string().min(1).default("./.data/pglite"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    APP_URL: z.url({ error: "must be an absolute http(s) URL" }).optional(),
    DEMO_DATA: booleanString.optional(),
    TRUST_PROXY: booleanString.default(false),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/.+/, "must be an smtp:// or smtps:// URL")
      .optional(),
    MAIL_FROM: z.string().min(3).default("Leverantörsåtkomst <no-reply@localhost>"),
    JOBS_INTERVAL_MS: z.coerce.number({ error: "must be a whole number of milliseconds" }).int().min(200).max(3_600_000).default(15_000),
    BENCH_FLOOR: booleanString.default(false),
    SERVICE_DESK_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, "must be HH:MM-HH:MM, e.g. 08:00-18:00")
      .refine((v) => v.slice(0, 5) < v.slice(6), "must open before it closes")
      .default("08:00-18:00"),
    LDAP_URL: z
      .string()
      .regex(/^ldaps?:\/\/.+/, "must be an ldap:// or ldaps:// URL")
      .optional(),
    LDAP_BIND_DN: z.string().min(3).optional(),
    LDAP_BIND_PASSWORD: z.string().min(1).optional(),
    LDAP_USER_BASE_DN: z
      .string()
      .regex(/^[A-Za-z]+=.+/, "must be a DN, e.g. ou=people,dc=example,dc=se")
      .optional(),
    LDAP_USER_ATTRIBUTE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, "must be an attribute name, e.g. uid")
      .default("uid"),
    ALERTMANAGER_URL: z.url({ error: "must be an absolute http(s) URL" }).optional(),
    ALERTMANAGER_SYSTEM_LABEL: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a Prometheus label name, e.g. system")
      .default("system"),
  })
  .superRefine((env, ctx) => {
    if (env.LDAP_URL) {
      for (const name of ["LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_USER_BASE_DN"] as const) {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when LDAP_URL is set" });
      }
    }
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message: "is required when NODE_ENV=production and DATABASE_URL is set",
      });
    }
  });

export type Env = {
  nodeEnv: "development" | "production" | "test";
  port: number;
  /** Unset: the embedded PGlite database in `pgliteDataDir`. */
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  sessionSecret: string;
  appUrl: string;
  /** Seed the demo municipality into an empty database at start-up. */
  demoData: boolean;
  /** Take the client address from X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  /** Unset: messages are kept in the outbox and shown at /admin/outbox, not sent. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How often the scheduler and the outbox worker run. */
  jobsIntervalMs: number;
  /** Benchmarks only (`npm run bench`): serve the floor routes /bench/floor and /bench/floor-json. */
  benchFloor: boolean;
  /** The service desk's hours on working days (Stockholm): the incident clocks of priorities 3–4 count these. */
  deskHours: { open: string; close: string };
  /** Unset: windows are opened and closed in the directory by hand, as before. */
  ldap: { url: string; bindDn: string; bindPassword: string; userBaseDn: string; userAttribute: string } | undefined;
  /** Unset: monitoring is silenced by hand, as before. */
  alertmanager: { url: string; systemLabel: string } | undefined;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parse and validate an environment; throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const pgliteDataDir = path.resolve(env.PGLITE_DATA_DIR);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    pgliteDataDir,
    sessionSecret: env.SESSION_SECRET ?? storedSessionSecret(path.dirname(pgliteDataDir)),
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    demoData: env.DEMO_DATA ?? !env.DATABASE_URL,
    trustProxy: env.TRUST_PROXY,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    jobsIntervalMs: env.JOBS_INTERVAL_MS,
    benchFloor: env.BENCH_FLOOR,
    deskHours: { open: env.SERVICE_DESK_HOURS.slice(0, 5), close: env.SERVICE_DESK_HOURS.slice(6) },
    ldap: env.LDAP_URL
      ? {
          url: env.LDAP_URL,
          bindDn: env.LDAP_BIND_DN!,
          bindPassword: env.LDAP_BIND_PASSWORD!,
          userBaseDn: env.LDAP_USER_BASE_DN!,
          userAttribute: env.LDAP_USER_ATTRIBUTE,
        }
      : undefined,
    alertmanager: env.ALERTMANAGER_URL ? { url: env.ALERTMANAGER_URL.replace(/\/+$/, ""), systemLabel: env.ALERTMANAGER_SYSTEM_LABEL } : undefined,
  };
}

/** A generated secret kept beside the embedded database, so sessions survive restarts. */
function storedSessionSecret(dir: string): string {
  const file = path.join(dir, "session-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
