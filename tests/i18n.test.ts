import { describe, expect, it } from "vitest";

import { interpolate } from "~/i18n";
import { en } from "~/i18n/en";
import { fromAcceptLanguage } from "~/i18n/i18n.server";
import { sv } from "~/i18n/sv";

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  it("has every key in both languages, non-empty, with the same parameters", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const [key, text] of Object.entries(sv)) {
      const english = en[key as keyof typeof sv];
      expect(text.trim(), key).not.toBe("");
      expect(english.trim(), key).not.toBe("");
      expect(params(english), key).toEqual(params(text));
    }
  });

  it("is really translated: English differs from Swedish for nearly every text", () => {
    const same = Object.keys(sv).filter((k) => sv[k as keyof typeof sv] === en[k as keyof typeof sv]);
    // Proper names and codes may legitimately be the same in both languages.
    expect(same.length).toBeLessThan(Object.keys(sv).length * 0.05);
  });

  it("fills parameters and leaves unknown ones visible", () => {
    expect(interpolate("Högst {max} tecken", { max: 20 })).toBe("Högst 20 tecken");
    expect(interpolate("{a} och {b}", { a: 1 })).toBe("1 och {b}");
  });

  it("picks the language from Accept-Language by quality, Swedish by default", () => {
    expect(fromAcceptLanguage(null)).toBe("sv");
    expect(fromAcceptLanguage("de-DE,de;q=0.9")).toBe("sv");
    expect(fromAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    expect(fromAcceptLanguage("en;q=0.4,sv-SE;q=0.8")).toBe("sv");
    expect(fromAcceptLanguage("fr;q=1,en;q=0.5")).toBe("en");
    expect(fromAcceptLanguage("en;q=0")).toBe("sv");
  });
});
