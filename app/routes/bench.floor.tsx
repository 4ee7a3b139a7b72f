import { useLoaderData } from "@remix-run/react";

import { env } from "~/env.server";

/**
 * The benchmark's floor for pages (`npm run bench`, scripts/bench.ts): a loader that returns a
 * constant, rendered through the same root layout (root loader, shell, scripts) as every other
 * page, so a page's figure divided by this one is what the page itself costs. Inert in normal
 * operation: a 404 unless the server runs with BENCH_FLOOR=1.
 */
export function loader() {
  if (!env().benchFloor) throw new Response("Not found", { status: 404 });
  return { floor: "floor" };
}

export default function BenchFloor() {
  const { floor } = useLoaderData<typeof loader>();
  return <p>{floor}</p>;
}
