import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

import { I18nContext, makeTranslator } from "~/i18n";
import { loadTextsWithData } from "~/i18n/client";

// The texts' scripts in the document's head (deferred, so they ran before this module) set the
// page's language and texts; a page without them (the server could not render one) hydrates bare.
const texts = window.__i18n;
if (texts) {
  // The translator reads the merged texts as later namespaces arrive (app/i18n/client.ts).
  const translator = makeTranslator(texts.lang, texts.messages as Record<string, string>);
  loadTextsWithData(texts);
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
  console.error("The page's texts did not load; the page works without scripts.");
}
