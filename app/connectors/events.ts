/** What a webhook subscriber may ask to hear of (shared by the server and the admin's form). */
export const WEBHOOK_EVENTS = [
  "case.submitted",
  "case.approved",
  "case.rejected",
  "window.scheduled",
  "window.opened",
  "window.closed",
  "window.expired",
  "window.extended",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
