import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

import { PlacePage } from "~/components/place-page";
import { useT } from "~/i18n";
import { requireRole } from "~/utils/auth.server";
import { title } from "~/utils/meta";
import { PLACES } from "~/utils/places";

const place = PLACES.serviceCentre;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...place.roles);
  return null;
}

export const meta: MetaFunction = ({ matches }) => title(matches, place.label);

export default function Page() {
  const { t } = useT();
  return (
    <>
      <PlacePage place={place} />
      <p>
        <Link to="/admin/users/new" className="button button--secondary">
          {t("serviceCentre.inviteSupplier")}
        </Link>
      </p>
    </>
  );
}
