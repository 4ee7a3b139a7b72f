import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A request's deadline, as the database layer sees it. When a request has waited too long for
 * the database (a partition drops packets without a reset, so a query may hang for minutes), the
 * request is answered 503 and *abandoned*: whatever it was doing may still finish once the network
 * returns, but a transaction of an abandoned request never commits — it is rolled back at its end
 * (db/open.ts) — so a "try again" answer never hides a write that happened after all.
 */
export type RequestScope = { abandoned: boolean };

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `work` as one request. */
export function withinRequest<T>(state: RequestScope, work: () => T): T {
  return scope.run(state, work);
}

export function requestAbandoned(): boolean {
  return scope.getStore()?.abandoned ?? false;
}

export class RequestAbandoned extends Error {
  override name = "RequestAbandoned";
  constructor() {
    super("The request was answered 503 (the database did not answer in time); its transaction is rolled back.");
  }
}
