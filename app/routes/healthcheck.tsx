import { currentDatabase } from "../../db/client";

/** 200 only when the database answers; load balancers and the CLI poll this. */
export async function loader() {
  try {
    const database = currentDatabase();
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3000)),
    ]);
    return new Response(JSON.stringify({ status: "ok", database: database.backend }), {
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  } catch (error) {
    console.error("healthcheck failed:", error instanceof Error ? error.message : error);
    return new Response(JSON.stringify({ status: "error" }), {
      status: 503,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  }
}
