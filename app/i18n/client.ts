import { matchRoutes } from "@remix-run/react";

import { answersOf, namespaceFile } from "~/i18n";

type Texts = NonNullable<Window["__i18n"]>;

/**
 * A client navigation brings the next page's texts with its data: when the router fetches a
 * page's data (`/path.data`, Remix's single fetch), the namespaces of the routes that path matches
 * are loaded alongside, and the data is handed over only when both are in, so the new page never
 * renders before its texts. Each namespace is a script under an immutable URL, loaded once; the
 * page's first namespaces came with the document (app/root.tsx). A namespace that fails to load
 * does not hold the navigation: its texts show as their keys, and the next full load mends it.
 * A submission (a POST to `.data`) brings its action's answer likewise: the answers' namespace of
 * the routes it posts to (their errors and their "done"), which no page load needs.
 */
export function loadTextsWithData(texts: Texts): void {
  const loading = new Map<string, Promise<void>>(texts.loaded.map((id) => [id, Promise.resolve()]));
  const load = (routeId: string): Promise<void> => {
    let promise = loading.get(routeId);
    if (!promise) {
      promise = new Promise<void>((resolve) => {
        const script = document.createElement("script");
        script.src = `${texts.base}${namespaceFile(routeId)}`;
        script.onload = () => resolve();
        script.onerror = () => {
          console.error(`The texts of ${routeId} did not load.`);
          loading.delete(routeId);
          resolve();
        };
        document.head.append(script);
      });
      loading.set(routeId, promise);
    }
    return promise;
  };
  const fetchData = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (url.origin !== window.location.origin || !url.pathname.endsWith(".data") || !window.__remixRouter) return fetchData(input, init);
    const path = url.pathname === "/_root.data" ? "/" : url.pathname.slice(0, -".data".length);
    const routeIds = (matchRoutes(window.__remixRouter.routes, path) ?? []).map((match) => match.route.id);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const needed = method === "GET" || method === "HEAD" ? routeIds : [...routeIds, ...routeIds.filter((id) => id !== "root").map(answersOf)];
    return Promise.all([fetchData(input, init), ...needed.map(load)]).then(([response]) => response);
  };
}
