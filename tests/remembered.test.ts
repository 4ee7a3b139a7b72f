import { describe, expect, it } from "vitest";

import { remembered } from "../machines/remembered";

describe("remembered", () => {
  it("works an answer out once per key, null and undefined answers too", () => {
    const asked: string[] = [];
    const lookup = remembered(
      10,
      (key: string) => key,
      (key: string) => {
        asked.push(key);
        return key === "none" ? null : key === "gone" ? undefined : key.length;
      },
    );
    for (let i = 0; i < 3; i++) expect([lookup("abc"), lookup("none"), lookup("gone")]).toEqual([3, null, undefined]);
    expect(asked).toEqual(["abc", "none", "gone"]);
  });

  it("keeps at most `limit` answers, forgetting them all when full", () => {
    let computed = 0;
    const square = remembered(
      2,
      (n: number) => n,
      (n: number) => (computed++, n * n),
    );
    expect([square(1), square(2), square(1)]).toEqual([1, 4, 1]);
    expect(computed).toBe(2);
    expect(square(3)).toBe(9); // full: 1 and 2 forgotten
    expect(square(1)).toBe(1);
    expect(computed).toBe(4);
  });
});
