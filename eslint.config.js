import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The linter, and the layering it keeps (docs/decisions/011-layering.md):
 *   machines/   the process and its rules — imports nothing from app/ or db/;
 *   db/         schema, connection, migrations — imports nothing from app/;
 *   app/<domain>/*.server.ts   the services — the only code that builds SQL;
 *   app/routes/ screens — call guards and services, never drizzle or the schema's tables;
 *   app/components/, app/ui/   what the browser runs — never a *.server module, never db/.
 */
const SERVER_ONLY = ["**/*.server", "**/*.server.ts", "~/**/*.server"];
const SQL = ["drizzle-orm", "drizzle-orm/*"];

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".data/**", "db/migrations/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-control-regex": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    ...jsxA11y.flatConfigs.recommended,
    rules: {
      ...jsxA11y.flatConfigs.recommended.rules,
      // A region that scrolls by itself is focusable, so a keyboard can scroll it (axe: scrollable-region-focusable).
      "jsx-a11y/no-noninteractive-tabindex": ["error", { roles: ["tabpanel", "region"] }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  // — The layering —————————————————————————————————————————————————————————————————————————
  {
    files: ["machines/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../app/*", "../db/*", "~/*"], message: "machines/ is the pure process: it imports nothing from app/ or db/." }] },
      ],
    },
  },
  {
    files: ["db/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: ["../app/*", "~/*"], message: "db/ knows nothing of the app." }] }],
    },
  },
  {
    files: ["app/routes/**/*.tsx", "app/routes/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: SQL, message: "Routes build no SQL: ask a service (app/<domain>/*.server.ts)." },
            { group: ["**/db/schema"], allowTypeImports: true, message: "Routes read no tables: ask a service; the words are in machines/vocabulary.ts." },
          ],
        },
      ],
    },
  },
  {
    files: ["app/components/**/*.tsx", "app/components/**/*.ts", "app/ui/**/*.ts", "app/ui/**/*.tsx", "app/i18n/index.ts", "app/i18n/fallback.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: SQL, message: "The browser builds no SQL." },
            {
              group: ["**/db/*"],
              allowTypeImports: true,
              message: "The browser bundle must not carry the schema or the database: use machines/vocabulary.ts.",
            },
            { group: SERVER_ONLY, allowTypeImports: true, message: "A component never imports a *.server module." },
          ],
        },
      ],
    },
  },
  {
    files: ["tests/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
