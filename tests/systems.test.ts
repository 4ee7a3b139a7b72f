import { beforeAll, describe, expect, it } from "vitest";

import { makeOrganisation, makeSystem, makeUser } from "./support/factories";
import type { Organisation } from "../db/schema";
import { addDependency, createSystem, getSystemByCode, listSystems, removeDependency, SYSTEMS_PAGE_SIZE, updateSystem } from "~/admin/systems.server";
import { account } from "./support/accounts";
import { useTestDatabase } from "./support/database";

const db = useTestDatabase();
let unit: Organisation;
let supplier: Organisation;

beforeAll(async () => {
  unit = await makeOrganisation(db(), { kind: "municipal-unit", name: "Enheten" });
  supplier = await makeOrganisation(db(), { kind: "supplier", name: "Leverantören AB" });
});

const valid = () => ({
  code: "lonx",
  name: "Lönesystem X",
  ownerUnitId: String(unit.id),
  supplierId: String(supplier.id),
  informationClass: "confidential",
  holdsPersonalData: "on",
  dpaReference: "PUB-2025-17",
  dpaExpiresOn: "2027-06-30",
});

describe("systems", () => {
  it("creates a system with an upper-cased code, its administrators and its agreement", async () => {
    const admin = await makeUser(db(), { organisationId: unit.id, role: "requester" });
    const result = await createSystem(db(), { ...valid(), administratorIds: [String(admin.id)] });
    expect(result.ok).toBe(true);
    const detail = await getSystemByCode(db(), "LONX");
    expect(detail).toMatchObject({
      code: "LONX",
      supplierName: "Leverantören AB",
      ownerUnitName: "Enheten",
      holdsPersonalData: true,
      dpaExpiresOn: "2027-06-30",
      operatedByProvider: false,
    });
    expect(detail?.administrators.map((a) => a.id)).toEqual([admin.id]);
  });

  it("requires a data-processing agreement when a supplier handles personal data", async () => {
    const result = await createSystem(db(), { ...valid(), code: "PUBX", dpaReference: "", dpaExpiresOn: "" });
    expect(result).toEqual({
      ok: false,
      fieldErrors: { dpaReference: { key: "validation.dpaRequired" }, dpaExpiresOn: { key: "validation.dpaRequired" } },
    });
    const inHouse = await createSystem(db(), { ...valid(), code: "PUBY", supplierId: "", dpaReference: "", dpaExpiresOn: "" });
    expect(inHouse.ok).toBe(true);
  });

  it("refuses bad codes, duplicate codes and organisations of the wrong kind", async () => {
    expect(await createSystem(db(), { ...valid(), code: "-bad code" })).toMatchObject({
      ok: false,
      fieldErrors: { code: { key: "validation.systemCode" } },
    });
    expect(await createSystem(db(), { ...valid(), code: "LONX" })).toEqual({
      ok: false,
      fieldErrors: { code: { key: "system.duplicateCode" } },
    });
    expect(await createSystem(db(), { ...valid(), code: "WRONG", supplierId: String(unit.id), ownerUnitId: String(supplier.id) })).toEqual({
      ok: false,
      fieldErrors: { ownerUnitId: { key: "validation.unitKind" }, supplierId: { key: "validation.supplierKind" } },
    });
    expect(await createSystem(db(), { ...valid(), code: "BADDATE", dpaExpiresOn: "2027-02-30" })).toMatchObject({
      ok: false,
      fieldErrors: { dpaExpiresOn: { key: "validation.date" } },
    });
  });

  it("keeps the saved system when an edit is refused", async () => {
    const before = await getSystemByCode(db(), "LONX");
    const result = await updateSystem(db(), before!.id, { ...valid(), name: "" });
    expect(result.ok).toBe(false);
    expect((await getSystemByCode(db(), "LONX"))?.name).toBe("Lönesystem X");
  });

  it("maintains the dependency graph in both directions, without self-loops or duplicates", async () => {
    const idp = await makeSystem(db(), { code: "IDPX", ownerUnitId: unit.id });
    const app = await makeSystem(db(), { code: "APPX", ownerUnitId: unit.id });
    expect((await addDependency(db(), app.id, "idpx")).ok).toBe(true);
    expect(await addDependency(db(), app.id, "IDPX")).toEqual({ ok: false, fieldErrors: { dependsOn: { key: "system.dependencyExists" } } });
    expect(await addDependency(db(), app.id, "APPX")).toEqual({ ok: false, fieldErrors: { dependsOn: { key: "system.dependencySelf" } } });
    expect(await addDependency(db(), app.id, "NOPE")).toEqual({ ok: false, fieldErrors: { dependsOn: { key: "validation.choose" } } });
    // A cycle is real life (two systems that call each other) and allowed.
    expect((await addDependency(db(), idp.id, "APPX")).ok).toBe(true);

    const detail = await getSystemByCode(db(), "APPX");
    expect(detail?.dependsOnSystems.map((s) => s.code)).toEqual(["IDPX"]);
    expect(detail?.dependedOnBy.map((s) => s.code)).toEqual(["IDPX"]);
    expect((await listSystems(db())).find((s) => s.code === "APPX")?.dependsOn).toEqual(["IDPX"]);

    await removeDependency(db(), app.id, idp.id);
    expect((await getSystemByCode(db(), "APPX"))?.dependsOnSystems).toEqual([]);
  });
});

describe("the administrator's list of systems", () => {
  it("sends only what it shows, a page at a time, searched by code or name, with LIKE's wildcards as themselves", async () => {
    const admin = await account(db(), "admin");
    const tag = `SOK${Date.now().toString(36).toUpperCase()}`.slice(0, 12);
    for (let i = 0; i < SYSTEMS_PAGE_SIZE + 2; i++) {
      await makeSystem(db(), {
        code: `${tag}${String(i).padStart(3, "0")}`,
        name: `Sökbart system ${i}`,
        ownerUnitId: unit.id,
        loginInstructions: "HEMLIG-INSTRUKTION",
      });
    }
    await makeSystem(db(), { code: `${tag}OLD`, name: "Avvecklat", ownerUnitId: unit.id, active: false });
    const page = async (query: string) => (await admin.client.call(`/admin/systems${query}`)).text();
    const first = await page(`?q=${tag.toLowerCase()}`);
    expect(first).toContain(`${SYSTEMS_PAGE_SIZE + 2} system`);
    expect(first).toContain(`${tag}049`);
    expect(first).not.toContain(`${tag}050`);
    expect(first).toContain(`href="/admin/systems?q=${tag.toLowerCase()}&amp;page=2"`);
    // Not a column of the list: the login instructions stay on the system's own page.
    expect(first).not.toContain("HEMLIG-INSTRUKTION");
    const second = await page(`?q=${tag.toLowerCase()}&page=2`);
    expect(second).toContain(`${tag}051`);
    expect(second).not.toContain(`${tag}049`);
    // Inactive ones only when asked for, and the pager keeps the choice.
    expect(first).not.toContain(`${tag}OLD`);
    expect(await page(`?q=${tag}OLD&inactive=1`)).toContain("1 system<");
    expect(await page(`?q=${encodeURIComponent("Sökbart system 1")}`)).toContain(`${tag}001`);
    expect(await page(`?q=${encodeURIComponent("_")}`)).toContain("Inget system matchar sökningen.");
  });
});
