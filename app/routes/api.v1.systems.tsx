import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { listSystems } from "~/admin/systems.server";
import { requireUser } from "~/access/guards.server";

/** The systems and their dependencies (reference data every caller may read). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const systems = await listSystems(db());
  return Response.json(
    systems.map((s) => ({
      code: s.code,
      name: s.name,
      description: s.description,
      supplier: s.supplierName,
      ownerUnit: s.ownerUnitName,
      operatedByProvider: s.operatedByProvider,
      informationClass: s.informationClass,
      holdsPersonalData: s.holdsPersonalData,
      dependsOn: s.dependsOn,
    })),
  );
}
