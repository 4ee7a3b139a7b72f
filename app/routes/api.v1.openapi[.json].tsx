import { env } from "~/env.server";
import { openApiDocument } from "~/http/openapi.server";

/** The API's OpenAPI 3.1 description, generated from the zod schemas. Public. */
export function loader() {
  return Response.json(openApiDocument(env().appUrl), { headers: { "Cache-Control": "public, max-age=300" } });
}
