import { createContext, useContext } from "react";

/**
 * The per-request nonce of the Content-Security-Policy, for the inline scripts Remix renders.
 * Set on the server (entry.server.tsx); in the browser it is empty (and not needed after load).
 */
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
