import { describe, expect, it } from "vitest";

import { mustPhone, priorityOf, RESPONSE_TARGETS, type Level } from "../machines/priority";

describe("incident priority", () => {
  it.each([
    [1, 1, 1],
    [1, 2, 2],
    [1, 3, 3],
    [2, 1, 2],
    [2, 2, 3],
    [2, 3, 4],
    [3, 1, 3],
    [3, 2, 4],
    [3, 3, 4],
  ] as const)("urgency %i × impact %i → priority %i", (urgency, impact, priority) => {
    expect(priorityOf(urgency as Level, impact as Level)).toBe(priority);
  });

  it("promises faster answers for higher priorities, and asks for a phone call only at priority 1", () => {
    expect(RESPONSE_TARGETS[1].aroundTheClock && RESPONSE_TARGETS[2].aroundTheClock).toBe(true);
    expect(RESPONSE_TARGETS[3].workingDays).toBe(3);
    expect(RESPONSE_TARGETS[4].workingDays).toBe(5);
    expect([1, 2, 3, 4].map((p) => mustPhone(p as 1 | 2 | 3 | 4))).toEqual([true, false, false, false]);
  });
});
