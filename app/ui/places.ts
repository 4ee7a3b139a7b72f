import type { Role } from "../../db/schema";
import type { MessageKey } from "~/i18n";

/**
 * The portal's URL map: each place, who sees it in the navigation, and its one-line purpose.
 * Route guards hold the same role lists (each route imports its entry from here).
 */
export type Place = { path: string; label: MessageKey; blurb: MessageKey; roles: readonly Role[] | "everyone" };

const ALL_STAFF: Role[] = ["requester", "service-centre", "cab", "operations", "system-owner", "admin"];

export const PLACES = {
  cases: { path: "/cases", label: "nav.cases", blurb: "place.cases", roles: ["requester", "service-centre", "cab", "system-owner", "admin"] },
  newCase: { path: "/cases/new", label: "nav.newCase", blurb: "place.newCase", roles: ["requester"] },
  reports: { path: "/reports", label: "nav.reports", blurb: "place.reports", roles: ["service-centre", "cab", "admin"] },
  templates: { path: "/templates", label: "nav.templates", blurb: "place.templates", roles: ["requester", "service-centre", "cab"] },
  owner: { path: "/owner", label: "nav.owner", blurb: "place.owner", roles: ["system-owner"] },
  serviceCentre: { path: "/service-centre", label: "nav.serviceCentre", blurb: "place.serviceCentre", roles: ["service-centre"] },
  cab: { path: "/cab", label: "nav.cab", blurb: "place.cab", roles: ["cab", "service-centre"] },
  schedule: { path: "/schedule", label: "nav.schedule", blurb: "place.schedule", roles: [...ALL_STAFF, "supplier"] },
  supplier: { path: "/supplier", label: "nav.supplier", blurb: "place.supplier", roles: ["supplier"] },
  operations: { path: "/operations", label: "nav.operations", blurb: "place.operations", roles: ["operations", "service-centre"] },
  status: { path: "/status", label: "nav.status", blurb: "place.status", roles: "everyone" },
  admin: { path: "/admin", label: "nav.admin", blurb: "place.admin", roles: ["admin"] },
  settings: { path: "/settings", label: "nav.settings", blurb: "place.settings", roles: [...ALL_STAFF, "supplier"] },
} as const satisfies Record<string, Place>;

export type PlaceName = keyof typeof PLACES;

/** The places for someone holding `roles` (all of a person's: app/access/roles.ts), in the map's order; anonymous: undefined. */
export function placesFor(roles: readonly Role[] | undefined): Place[] {
  return Object.values(PLACES).filter((place: Place) =>
    place.roles === "everyone" ? true : roles !== undefined && place.roles.some((r) => roles.includes(r)),
  );
}
