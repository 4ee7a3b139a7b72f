/**
 * Incident priority from urgency × impact (the ITIL matrix the seeds' public-sector services
 * use), each on 1 (high) – 3 (low), and what each priority promises.
 */
export type Level = 1 | 2 | 3;
export type Priority = 1 | 2 | 3 | 4;

const MATRIX: Record<Level, Record<Level, Priority>> = {
  1: { 1: 1, 2: 2, 3: 3 },
  2: { 1: 2, 2: 3, 3: 4 },
  3: { 1: 3, 2: 4, 3: 4 },
};

export function priorityOf(urgency: Level, impact: Level): Priority {
  return MATRIX[urgency][impact];
}

/** Response targets (after E-hälsomyndigheten's service levels, seed 003). */
export const RESPONSE_TARGETS: Record<
  Priority,
  { key: `priority.target.${Priority}`; hours: number | null; workingDays: number | null; aroundTheClock: boolean }
> = {
  1: { key: "priority.target.1", hours: 0.25, workingDays: null, aroundTheClock: true },
  2: { key: "priority.target.2", hours: 1, workingDays: null, aroundTheClock: true },
  3: { key: "priority.target.3", hours: null, workingDays: 3, aroundTheClock: false },
  4: { key: "priority.target.4", hours: null, workingDays: 5, aroundTheClock: false },
};

/** Priority 1 must also be phoned in to the service centre. */
export const mustPhone = (priority: Priority) => priority === 1;
