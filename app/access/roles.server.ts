import { sql, type SQL } from "drizzle-orm";

import { users } from "../../db/schema";
import type { Role } from "../../machines/vocabulary";

/** People who hold `role`, as their first role or an extra one (app/access/roles.ts), as a condition on `users`. */
export const holding = (role: Role): SQL => sql`(${users.role} = ${role} or ${role} = any(${users.extraRoles}))`;
