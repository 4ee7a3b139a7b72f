import type { Msg } from "~/i18n";

/**
 * The "system" filter of the case list and the schedule. A person who sees a few systems picks
 * one from a list; one who sees many (the service centre sees every system of the municipality)
 * types its code or part of its name, so the page does not carry an option per system.
 */
export const SYSTEM_CHOICES_UP_TO = 30;

export type SystemChoice = { code: string; name: string };

/** What the page draws the filter from: the systems to choose from (null: too many, the field is typed in), what was typed and what is wrong with it. */
export type SystemFilter = { choices: SystemChoice[] | null; typed: string; problem?: Msg };

/** The filter for a page, and the code it narrows to ("" for all systems). */
export function systemFilterOf(input: string, systems: readonly SystemChoice[]): { code: string; filter: SystemFilter } {
  const { code, typed, problem } = readSystemFilter(input, systems);
  return { code, filter: { choices: systems.length <= SYSTEM_CHOICES_UP_TO ? [...systems] : null, typed, ...(problem ? { problem } : {}) } };
}

/**
 * The system the filter names: a code (any case), else the one system whose name contains the
 * text. Nothing, or several, is a problem for the field, and the list is shown unfiltered.
 */
function readSystemFilter(input: string, systems: readonly SystemChoice[]): { code: string; typed: string; problem?: Msg } {
  const typed = input.trim().slice(0, 100);
  if (!typed) return { code: "", typed };
  const byCode = systems.find((s) => s.code.toUpperCase() === typed.toUpperCase());
  if (byCode) return { code: byCode.code, typed };
  const needle = typed.toLocaleLowerCase("sv");
  const named = systems.filter((s) => s.name.toLocaleLowerCase("sv").includes(needle));
  if (named.length === 1) return { code: named[0]!.code, typed };
  if (named.length === 0) return { code: "", typed, problem: { key: "filter.system.none", params: { text: typed } } };
  const examples = named
    .slice(0, 3)
    .map((s) => s.code)
    .join(", ");
  return { code: "", typed, problem: { key: "filter.system.many", params: { text: typed, count: named.length, examples } } };
}
