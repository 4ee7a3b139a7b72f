import { useSubmit } from "@remix-run/react";
import { useState } from "react";

import { useT, type MessageKey } from "~/i18n";

type Mode = "register" | "authenticate";

/**
 * A button that runs the browser's WebAuthn ceremony and posts the result to the route's action
 * as `response` (JSON) with `intent`. The options are fetched fresh on each click (`fetchOptions`),
 * so a challenge is only made when someone is about to use it.
 * @simplewebauthn/browser is loaded on first click, so pages without the button never carry it.
 */
export function WebAuthnButton({
  mode,
  intent,
  label,
  fetchOptions,
  extra,
  className = "button",
}: {
  mode: Mode;
  intent: string;
  label: string;
  fetchOptions: () => Promise<unknown>;
  extra?: Record<string, string>;
  className?: string;
}) {
  const { t } = useT();
  const submit = useSubmit();
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setProblem(null);
    setBusy(true);
    try {
      const browser = await import("@simplewebauthn/browser");
      if (!browser.browserSupportsWebAuthn()) {
        setProblem("webauthn.unsupported");
        return;
      }
      const optionsJSON = (await fetchOptions()) as never;
      if (!optionsJSON) {
        setProblem("webauthn.failed");
        return;
      }
      const response = mode === "register" ? await browser.startRegistration({ optionsJSON }) : await browser.startAuthentication({ optionsJSON });
      submit({ intent, response: JSON.stringify(response), ...extra }, { method: "post" });
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      setProblem(
        name === "NotAllowedError" || name === "AbortError"
          ? "webauthn.cancelled"
          : name === "InvalidStateError"
            ? "webauthn.alreadyRegistered"
            : "webauthn.failed",
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="webauthn">
      <button type="button" className={className} onClick={() => void run()} disabled={busy} aria-describedby={problem ? `${intent}-problem` : undefined}>
        {label}
      </button>
      {problem ? (
        <p id={`${intent}-problem`} className="field__error" role="alert">
          {t(problem)}
        </p>
      ) : null}
      <noscript>
        <p className="field__error">{t("webauthn.needsJavaScript")}</p>
      </noscript>
    </div>
  );
}

/** Asks the server for fresh options (bound to the current session) for a ceremony. */
export async function fetchWebAuthnOptions(
  purpose: "register" | "reauthenticate" | "sign-in" | "register-invitation",
  extra: Record<string, string> = {},
): Promise<unknown> {
  const body = new FormData();
  body.set("purpose", purpose);
  for (const [key, value] of Object.entries(extra)) body.set(key, value);
  const response = await fetch("/webauthn/options", { method: "POST", body });
  if (!response.ok) return undefined;
  return response.json();
}
