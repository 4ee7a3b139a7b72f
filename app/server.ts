import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";

import { seedDemoIfEmpty } from "../db/seed";
import { boot, redactUrl } from "./boot.server";
import { startJobs } from "./jobs/scheduler.server";
import { reconcileDirectory } from "./connectors/reconcile.server";
import { sameOriginOnly, securityHeaders } from "./http/security.server";
import { withDatabaseUnavailable } from "./http/unavailable.server";
import { inReadScope } from "./http/request-scope.server";
import { seedDemoCases } from "./demo/cases.server";
import { inviteDemoPeople } from "./demo/people.server";

/**
 * The portal's HTTP server: express around Remix, so the process can also own the things a page
 * request should not (start-up migrations now; the scheduler and outbox worker later).
 * See docs/decisions/001-server.md.
 */
const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const buildPath = path.join(root, "build", "index.js");

const { env, database } = await boot();

if (env.demoData && (await seedDemoIfEmpty(database.db))) {
  await seedDemoCases(database.db);
  console.log("Seeded the demo municipality (Sjöviks kommun) and a few cases into the empty database.");
  const links = await inviteDemoPeople(database.db);
  console.log("\nDemo invitations, one per role (valid 72 h; accept in a browser with a security key or its WebAuthn emulation):");
  for (const link of links) console.log(`  ${link.role.padEnd(15)} ${link.email.padEnd(34)} ${link.url}`);
  console.log("");
}

if (!existsSync(buildPath)) {
  console.error(`No build at ${buildPath}. Run "npm run build" first (npm start does it for you).`);
  process.exit(1);
}

const importBuild = async (): Promise<ServerBuild> => (await import(`${pathToFileURL(buildPath).href}?t=${statSync(buildPath).mtimeMs}`)) as ServerBuild;

let build = await importBuild();
// The directory says what the portal says: accounts left in admin groups while it was down are removed (and reported).
void reconcileDirectory(database.db)
  .then(({ reconciled, errors }) => {
    for (const r of reconciled) console.log(`connectors: removed from ${r.group} without an open window: ${r.removed.join(", ")}`);
    for (const e of errors) console.error(`connectors: could not reconcile ${e}`);
  })
  .catch((error: unknown) => console.error("connectors: reconciliation failed:", error instanceof Error ? error.message : error));
// The scheduler (window expiry, warnings, reviews) and the outbox worker run in this process.
const jobs = startJobs(database, { intervalMs: env.jobsIntervalMs, smtpUrl: env.smtpUrl, mailFrom: env.mailFrom });
const development = env.nodeEnv === "development" && Boolean(process.env.REMIX_DEV_ORIGIN);

const app = express();
app.disable("x-powered-by");
// Behind a load balancer the client's address comes from X-Forwarded-For (see README).
if (env.trustProxy) app.set("trust proxy", true);
const getLoadContext = (req: express.Request, res: express.Response) => ({
  ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
  cspNonce: String(res.locals.cspNonce ?? ""),
});
app.use(securityHeaders({ appUrl: env.appUrl }));
app.use(sameOriginOnly({ appUrl: env.appUrl }));
app.use(compression());
app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
// A read's loaders share one scope (its caller is looked up once): app/http/request-scope.server.ts.
app.use((req, _res, next) => inReadScope(req.method, next));
app.all(
  "*",
  development
    ? async (req, res, next) => {
        // `remix dev` rebuilds into build/: pick up the new build on the next request.
        build = await importBuild();
        return createRequestHandler({ build: withDatabaseUnavailable(build), mode: env.nodeEnv, getLoadContext })(req, res, next);
      }
    : createRequestHandler({ build: withDatabaseUnavailable(build), mode: env.nodeEnv, getLoadContext }),
);

const server = app.listen(env.port, () => {
  const where = env.databaseUrl ? `PostgreSQL ${redactUrl(env.databaseUrl)}` : `embedded PGlite in ${env.pgliteDataDir}`;
  console.log(`Supplier-access portal listening on ${env.appUrl} (port ${env.port}, ${where})`);
  if (development) void broadcastDevReady(build);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing the server and the database…`);
  server.close();
  server.closeAllConnections();
  await jobs.stop().catch((error: unknown) => console.error(error));
  await database.close().catch((error: unknown) => console.error(error));
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
