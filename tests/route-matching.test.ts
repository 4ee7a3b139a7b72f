import { createRequire } from "node:module";

import { describe, expect, it } from "vitest";

// The CommonJS build, which the server loads and patches/ patches (vitest would resolve the ESM one).
const { matchRoutes } = createRequire(import.meta.url)("@remix-run/router") as typeof import("@remix-run/router");

const routes = [
  {
    id: "root",
    path: "",
    children: [
      { id: "cases", path: "cases", children: [{ id: "case", path: ":number" }] },
      { id: "schedule", path: "schedule" },
      { id: "splat", path: "*" },
    ],
  },
];

const ids = (matches: ReturnType<typeof matchRoutes>) => matches?.map((m) => m.route.id);

describe("route matching on the server (patched to keep each tree's matches per pathname)", () => {
  it("gives each caller its own matches: changing one caller's matches changes nobody else's", () => {
    const first = matchRoutes(routes, "/cases/CHG-2026-00001")!;
    expect(ids(first)).toEqual(["root", "cases", "case"]);
    expect(first[2]!.params).toEqual({ number: "CHG-2026-00001" });
    // As when freshly matched, the matches of one branch share their params.
    expect(first[0]!.params).toBe(first[2]!.params);
    (first[2]!.params as Record<string, string>).number = "changed";
    first.pop();

    const second = matchRoutes(routes, "/cases/CHG-2026-00001")!;
    expect(second).not.toBe(first);
    expect(ids(second)).toEqual(["root", "cases", "case"]);
    expect(second[2]!.params).toEqual({ number: "CHG-2026-00001" });
    expect(second[2]!.pathname).toBe("/cases/CHG-2026-00001");
  });

  it("matches every pathname as its own, past the cache's size, and a tree as its own", () => {
    for (let i = 0; i < 1200; i++) {
      const number = `CHG-2026-${String(i).padStart(5, "0")}`;
      expect(matchRoutes(routes, `/cases/${number}`)![2]!.params.number).toBe(number);
    }
    expect(ids(matchRoutes(routes, "/schedule"))).toEqual(["root", "schedule"]);
    expect(ids(matchRoutes(routes, "/nowhere/at/all"))).toEqual(["root", "splat"]);
    const other = [{ id: "only", path: "schedule" }];
    expect(ids(matchRoutes(other, "/schedule"))).toEqual(["only"]);
    expect(matchRoutes(other, "/cases")).toBeNull();
  });
});
