import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

import { I18nContext, makeTranslator } from "~/i18n";

// The dictionary script in the document's head (deferred, so it ran before this module) set the
// page's language and texts; a page without it (the server could not render one) hydrates bare.
const dictionary = window.__i18n;
if (dictionary) {
  const translator = makeTranslator(dictionary.lang, dictionary.messages, dictionary.href);
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <I18nContext.Provider value={translator}>
          <RemixBrowser />
        </I18nContext.Provider>
      </StrictMode>,
    );
  });
} else {
  console.error("The page's dictionary did not load; the page works without scripts.");
}
