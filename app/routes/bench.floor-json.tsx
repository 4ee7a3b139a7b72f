import { env } from "~/env.server";

/**
 * The benchmark's floor for the JSON API (`npm run bench`, scripts/bench.ts): a resource route
 * whose loader returns a constant, as the API routes return JSON without the root layout. Inert
 * in normal operation: a 404 unless the server runs with BENCH_FLOOR=1.
 */
export function loader() {
  if (!env().benchFloor) return Response.json({ error: "Not found" }, { status: 404 });
  return Response.json({ floor: "floor" });
}
