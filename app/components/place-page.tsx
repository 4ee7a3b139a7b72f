import { useT } from "~/i18n";
import type { Place } from "~/ui/places";

/** The frame of a role's place whose content arrives with a later part of the portal. */
export function PlacePage({ place }: { place: Place }) {
  const { t } = useT();
  return (
    <>
      <h1>{t(place.label)}</h1>
      <p>{t(place.blurb)}</p>
      <p className="muted">{t("place.emptyForNow")}</p>
    </>
  );
}
