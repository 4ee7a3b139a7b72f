import { currentDatabase } from "../../db/client";

/** 200 only when the database answers; load balancers and the CLI poll this. */
export async function loader() {
  try {
    const database = currentDatabase();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3000);
      }),
    ]).finally(() => clearTimeout(timer));
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
