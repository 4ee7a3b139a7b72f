import { Form } from "@remix-run/react";

import { Notice, TextField } from "~/components/forms";
import { fetchWebAuthnOptions, WebAuthnButton } from "~/components/webauthn";
import { useT } from "~/i18n";

/**
 * "Subscribe in your calendar": the person's secret feed address for /schedule or /supplier.
 * Creating one needs a fresh check with a registered key (the address opens the calendar to
 * whoever has it); revoking never does.
 */
export function CalendarFeedSection({
  kind,
  state,
  result,
  revoked,
  action,
}: {
  kind: "schedule" | "supplier";
  state: { createdAt: string | null; verifiedUntil: string | null };
  result?: { url?: string; error?: string };
  revoked: boolean;
  /** The page's own address (filters kept). */
  action?: string;
}) {
  const { t, formatDateTime } = useT();
  const hasFeed = Boolean(state.createdAt || result?.url);
  return (
    <section aria-labelledby="feed-heading" className="feed-section">
      <h2 id="feed-heading">{t("feed.title")}</h2>
      <p>{t(kind === "schedule" ? "feed.intro.schedule" : "feed.intro.supplier")}</p>
      {revoked ? <Notice>{t("feed.revoked")}</Notice> : null}
      {result?.error ? (
        <p className="field__error" role="alert">
          {t(result.error as never)}
        </p>
      ) : null}
      {result?.url ? (
        <div className="notice" role="status">
          <p>{t("feed.created")}</p>
          <TextField label={t("feed.url")} name="feedUrl" type="url" readOnly defaultValue={result.url} onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : state.createdAt ? (
        <p>{t("feed.active", { date: formatDateTime(state.createdAt) })}</p>
      ) : (
        <p className="muted">{t("feed.none")}</p>
      )}
      <div className="button-row">
        {state.verifiedUntil ? (
          <Form method="post" action={action}>
            <button type="submit" name="intent" value="create-feed" className="button">
              {t(hasFeed ? "feed.replace" : "feed.create")}
            </button>
          </Form>
        ) : (
          <div>
            <p className="field__hint">{t("feed.verifyFirst")}</p>
            <WebAuthnButton
              mode="authenticate"
              intent="reauthenticate"
              label={t("settings.verifyWithKey")}
              fetchOptions={() => fetchWebAuthnOptions("reauthenticate")}
            />
          </div>
        )}
        {hasFeed ? (
          <Form method="post" action={action}>
            <button type="submit" name="intent" value="revoke-feed" className="button button--secondary">
              {t("feed.revoke")}
            </button>
          </Form>
        ) : null}
      </div>
    </section>
  );
}
