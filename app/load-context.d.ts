import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address, as the express server saw it. */
    ip?: string;
    /** The Content-Security-Policy nonce of this response (app/http/security.server.ts). */
    cspNonce?: string;
  }
}
