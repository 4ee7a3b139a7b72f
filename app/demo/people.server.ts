import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { DEMO_PEOPLE } from "../../db/seed";
import { issueInvitation } from "../admin/people.server";

/** One invitation per demo role, so a newcomer can try every view. */
export async function inviteDemoPeople(db: Db): Promise<{ role: string; email: string; url: string }[]> {
  const seen = new Set<string>();
  const links: { role: string; email: string; url: string }[] = [];
  for (const person of DEMO_PEOPLE) {
    if (seen.has(person.role)) continue;
    seen.add(person.role);
    const [user] = await db.select().from(users).where(eq(users.email, person.email));
    if (!user || user.status !== "invited") continue;
    const { url } = await issueInvitation(db, user, null);
    links.push({ role: person.role, email: person.email, url });
  }
  return links;
}
