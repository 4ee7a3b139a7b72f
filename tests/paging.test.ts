import { describe, expect, it } from "vitest";

import { askedPage, askedSearch, pageAddress, pageOf, pagerLinks } from "~/ui/paging";

describe("paging", () => {
  it("reads the page the address asks for, and the first page for anything else", () => {
    const asked = (search: string) => askedPage(new URLSearchParams(search));
    expect(asked("page=3")).toBe(3);
    expect(asked("")).toBe(1);
    for (const bad of ["page=0", "page=-2", "page=1.5", "page=abc", "page=1e3", "page=9999999"]) expect(asked(bad), bad).toBe(1);
  });

  it("lands past the last page on the last page, and an empty list on its one page", () => {
    expect(pageOf(120, 2, 50)).toEqual({ page: 2, pages: 3, offset: 50 });
    expect(pageOf(120, 9, 50)).toEqual({ page: 3, pages: 3, offset: 100 });
    expect(pageOf(100, 3, 50)).toEqual({ page: 2, pages: 2, offset: 50 });
    expect(pageOf(0, 4, 50)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(pageOf(10, Number.NaN, 50)).toEqual({ page: 1, pages: 1, offset: 0 });
  });

  it("links to the pages either side, and to none past either end", () => {
    const at = (n: number) => `/list?page=${n}`;
    expect(pagerLinks(1, 3, at)).toEqual({ previous: null, next: "/list?page=2" });
    expect(pagerLinks(2, 3, at)).toEqual({ previous: "/list?page=1", next: "/list?page=3" });
    expect(pagerLinks(3, 3, at)).toEqual({ previous: "/list?page=2", next: null });
    expect(pagerLinks(1, 1, at)).toEqual({ previous: null, next: null });
  });
});

describe("page addresses", () => {
  it("leave out empty filters and page 1, and keep the rest in order", () => {
    expect(pageAddress("/admin/systems", { q: "", inactive: "" }, 1)).toBe("/admin/systems");
    expect(pageAddress("/admin/systems", { q: "gis", inactive: "1" }, 3)).toBe("/admin/systems?q=gis&inactive=1&page=3");
    expect(pageAddress("/admin/users", { q: "a&b" }, 1)).toBe("/admin/users?q=a%26b");
    expect(askedSearch(new URLSearchParams(`q=${"x".repeat(120)}`))).toHaveLength(100);
    expect(askedSearch(new URLSearchParams("q=%20gis%20"))).toBe("gis");
  });
});
