import { describe, expect, it } from "vitest";

import { seedDemoIfEmpty } from "../db/seed";
import { listOrganisations } from "~/admin/organisations.server";
import { getSystemByCode, listSystems } from "~/admin/systems.server";
import { useTestDatabase } from "./support/database";

const db = useTestDatabase();

describe("demo data", () => {
  it("seeds a believable municipality once, and only into an empty database", async () => {
    expect(await seedDemoIfEmpty(db())).toBe(true);
    expect(await seedDemoIfEmpty(db())).toBe(false);

    const systems = await listSystems(db());
    expect(systems.length).toBeGreaterThanOrEqual(15);
    const orgs = await listOrganisations(db());
    expect(orgs.filter((o) => o.kind === "supplier")).toHaveLength(5);
    expect(orgs.filter((o) => o.kind === "operations-provider")).toHaveLength(1);
    expect(orgs.filter((o) => o.kind === "service-centre")).toHaveLength(1);

    const eservices = await getSystemByCode(db(), "EPLAT");
    expect(eservices?.dependsOn).toEqual(["CASE", "IDP", "INTEG"]);
    const idp = await getSystemByCode(db(), "IDP");
    expect(idp?.dependedOnBy.length).toBeGreaterThanOrEqual(5);
    // Every system whose supplier handles personal data has its agreement.
    expect(systems.filter((s) => s.holdsPersonalData && s.supplierId && !s.dpaReference)).toEqual([]);
  });
});
