import { describe, expect, it } from "vitest";

import { makeOrganisation, makeSystem } from "./support/factories";
import { createOrganisation, listOrganisations, setOrganisationActive, updateOrganisation } from "~/admin/organisations.server";
import { useTestDatabase } from "./support/database";

const db = useTestDatabase();

describe("organisations", () => {
  it("creates a supplier with a functional mailbox and lists it", async () => {
    const result = await createOrganisation(db(), {
      name: "  Kartkonsult AB ",
      kind: "supplier",
      mailbox: "support@kartkonsult.example",
      orgNumber: "556999-0001",
      phone: "",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ name: "Kartkonsult AB", phone: null, active: true });
    const suppliers = await listOrganisations(db(), { kind: "supplier" });
    expect(suppliers.map((o) => o.name)).toContain("Kartkonsult AB");
  });

  it("reports each bad field with a translation key", async () => {
    const result = await createOrganisation(db(), { name: "", kind: "bakery", mailbox: "not-an-address", orgNumber: "123" });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        name: { key: "validation.required" },
        kind: { key: "validation.choose" },
        mailbox: { key: "validation.email" },
        orgNumber: { key: "validation.orgNumber" },
      },
    });
  });

  it("refuses a second organisation with the same name in another case", async () => {
    await makeOrganisation(db(), { name: "Driftbolaget AB" });
    const result = await createOrganisation(db(), { name: "DRIFTBOLAGET ab", kind: "supplier", mailbox: "a@b.se" });
    expect(result).toEqual({ ok: false, fieldErrors: { name: { key: "org.duplicateName" } } });
  });

  it("updates without losing what was saved when the edit is invalid", async () => {
    const org = await makeOrganisation(db(), { name: "Stabil AB", mailbox: "stabil@example.se" });
    const bad = await updateOrganisation(db(), org.id, { name: "Stabil AB", kind: "supplier", mailbox: "" });
    expect(bad.ok).toBe(false);
    const [still] = (await listOrganisations(db())).filter((o) => o.id === org.id);
    expect(still?.mailbox).toBe("stabil@example.se");
  });

  it("keeps an organisation that supplies active systems from being deactivated", async () => {
    const unit = await makeOrganisation(db(), { kind: "municipal-unit" });
    const supplier = await makeOrganisation(db(), { kind: "supplier" });
    const system = await makeSystem(db(), { ownerUnitId: unit.id, supplierId: supplier.id });
    const refused = await setOrganisationActive(db(), supplier.id, false);
    expect(refused).toEqual({ ok: false, fieldErrors: { _form: { key: "org.inUse", params: { count: 1 } } } });

    const { setSystemActive } = await import("~/admin/systems.server");
    await setSystemActive(db(), system.id, false);
    const done = await setOrganisationActive(db(), supplier.id, false);
    expect(done.ok && done.value.active).toBe(false);
    expect((await listOrganisations(db())).some((o) => o.id === supplier.id)).toBe(false);
    expect((await listOrganisations(db(), { includeInactive: true })).some((o) => o.id === supplier.id)).toBe(true);
  });
});
