import { setDatabase, type Database } from "../db/client";
import { openDatabase } from "../db/open";
import { env as readEnv, EnvError, type Env } from "./env.server";

/**
 * What every process of the portal does first (server and CLI alike): validate the environment,
 * open the database (PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise) and apply
 * pending migrations. A bad environment or a locked embedded database ends the process with a
 * message instead of a stack trace.
 */
export async function boot(): Promise<{ env: Env; database: Database }> {
  let env: Env;
  try {
    env = readEnv();
  } catch (error) {
    if (error instanceof EnvError) exitWith(error.message);
    throw error;
  }
  try {
    const database = await openDatabase(env.databaseUrl ? { backend: "postgres", url: env.databaseUrl } : { backend: "pglite", dataDir: env.pgliteDataDir });
    setDatabase(database);
    return { env, database };
  } catch (error) {
    if (error instanceof Error && error.name === "DatabaseLockedError") exitWith(error.message);
    const where = env.databaseUrl ? redactUrl(env.databaseUrl) : env.pgliteDataDir;
    exitWith(`Could not open the database (${where}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function exitWith(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
