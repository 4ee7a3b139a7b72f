import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layering (docs/decisions/011-layering.md) is kept by the linter: a file in the wrong place
 * importing the wrong thing fails `npm run lint`. Each case lints a small source as if it lived at
 * `filePath`, with the project's own configuration.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports").map((m) => m.message);
}

describe("the layering", () => {
  it("refuses SQL and the schema's tables in a route, and allows the schema's types", async () => {
    expect(await problems("app/routes/wrong.tsx", `import { cases } from "../../db/schema";\nexport const x = cases;\n`)).toEqual([
      expect.stringContaining("Routes read no tables"),
    ]);
    expect(await problems("app/routes/wrong.tsx", `import { eq } from "drizzle-orm";\nexport const x = eq;\n`)).toEqual([
      expect.stringContaining("Routes build no SQL"),
    ]);
    expect(await problems("app/routes/fine.tsx", `import type { User } from "../../db/schema";\nexport type X = User;\n`)).toEqual([]);
  });

  it("refuses a server module or the database in what the browser runs", async () => {
    expect(await problems("app/components/wrong.tsx", `import { db } from "../../db/client";\nexport const x = db;\n`)).toHaveLength(1);
    expect(await problems("app/components/wrong.tsx", `import { scopeOf } from "~/access/scope.server";\nexport const x = scopeOf;\n`)).toEqual([
      expect.stringContaining("never imports a *.server module"),
    ]);
    expect(await problems("app/components/fine.tsx", `import { CASE_TYPES } from "../../machines/vocabulary";\nexport const x = CASE_TYPES;\n`)).toEqual([]);
  });

  it("keeps machines/ free of app/ and db/", async () => {
    expect(await problems("machines/wrong.ts", `import { users } from "../db/schema";\nexport const x = users;\n`)).toEqual([
      expect.stringContaining("pure process"),
    ]);
    expect(await problems("machines/wrong.ts", `import { env } from "~/env.server";\nexport const x = env;\n`)).toEqual([
      expect.stringContaining("pure process"),
    ]);
    expect(await problems("machines/fine.ts", `import { ROLES } from "./vocabulary";\nexport const x = ROLES;\n`)).toEqual([]);
  });

  it("passes on the project as it is", async () => {
    const results = await eslint.lintFiles(["app", "machines", "db"]);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(errors).toEqual([]);
  }, 120_000);
});
