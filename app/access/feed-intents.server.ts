import { data, redirect } from "@remix-run/node";

import type { Db } from "../../db/client";
import type { Session, User } from "../../db/schema";
import { reauthenticate, recentlyVerified, recordSecurityChange, verifiedUntil } from "./step-up.server";
import { env } from "~/env.server";
import type { MessageKey } from "~/i18n";
import { audit } from "~/audit/audit.server";
import { activeCalendarFeed, createCalendarFeed, feedUrl, revokeCalendarFeed, type FeedKind } from "~/access/calendar-feeds.server";

/**
 * The personal calendar feed on the pages that offer one (/schedule, /supplier): create (after
 * a fresh check with a registered key — the address is a credential), revoke (always allowed),
 * and the step-up check itself.
 */
export const FEED_INTENTS = ["create-feed", "revoke-feed", "reauthenticate"] as const;

export type FeedResult = { feed: { url?: string; error?: MessageKey } };

export function isFeedIntent(intent: unknown): intent is (typeof FEED_INTENTS)[number] {
  return (FEED_INTENTS as readonly unknown[]).includes(intent);
}

/** What the page shows of the person's feed. */
export async function feedState(db: Db, auth: { user: User; session: Session }, kind: FeedKind) {
  const feed = await activeCalendarFeed(db, auth.user.id, kind);
  return { createdAt: feed?.createdAt.toISOString() ?? null, verifiedUntil: verifiedUntil(auth.session) };
}

export async function handleFeedIntent(db: Db, auth: { user: User; session: Session }, form: FormData, options: { kind: FeedKind; ip: string; back: string }) {
  const { user, session } = auth;
  switch (form.get("intent")) {
    case "reauthenticate": {
      let response: unknown;
      try {
        response = JSON.parse(String(form.get("response") ?? ""));
      } catch {
        response = undefined;
      }
      if (!(await reauthenticate(db, auth, response, options.ip))) return data<FeedResult>({ feed: { error: "settings.verifyFailed" } }, { status: 401 });
      return redirect(`${options.back}#feed-heading`);
    }
    case "create-feed": {
      if (!recentlyVerified(session)) return data<FeedResult>({ feed: { error: "feed.verifyFirst" } }, { status: 403 });
      const { token, feed, revoked } = await createCalendarFeed(db, user.id, options.kind);
      await recordSecurityChange(db, user, "feed-created", { ip: options.ip, detail: { feedId: feed.id, kind: options.kind, replaced: revoked } });
      return data<FeedResult>({ feed: { url: feedUrl(env().appUrl, options.kind, token) } });
    }
    case "revoke-feed": {
      if (await revokeCalendarFeed(db, user.id, options.kind)) {
        await audit(db, { action: "calendar.feed-revoked", actorUserId: user.id, subjectUserId: user.id, ip: options.ip, detail: { kind: options.kind } });
      }
      const separator = options.back.includes("?") ? "&" : "?";
      return redirect(`${options.back}${separator}notice=feed-revoked#feed-heading`);
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}
