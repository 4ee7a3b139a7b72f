import { seedDemo, isEmpty } from "../../db/seed";
import { boot } from "../boot.server";
import { seedDemoCases } from "../demo/cases.server";

/** `npm run db:seed`: seeds the demo municipality into the configured database if it is empty. */
const { database } = await boot();
try {
  if (!(await isEmpty(database.db))) {
    console.log("The database already holds organisations; nothing seeded.");
  } else {
    const result = await seedDemo(database.db);
    await seedDemoCases(database.db);
    console.log(`Seeded ${result.organisations} organisations, ${result.systems} systems and ${result.users.length} people.`);
  }
} finally {
  await database.close();
}
