import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";

import { PlacePage } from "~/components/place-page";
import { requireRole } from "~/utils/auth.server";
import { title } from "~/utils/meta";
import { PLACES } from "~/utils/places";

const place = PLACES.schedule;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...place.roles);
  return null;
}

export const meta: MetaFunction = ({ matches }) => title(matches, place.label);

export default function Page() {
  return <PlacePage place={place} />;
}
