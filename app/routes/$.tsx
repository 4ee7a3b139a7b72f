import type { MetaFunction } from "@remix-run/node";

import { title } from "~/ui/meta";

/** Every unknown URL is a real 404, drawn by the root error boundary. */
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export function action() {
  throw new Response("Not found", { status: 404 });
}

export const meta: MetaFunction = ({ matches }) => title(matches, "error.404.title");

export default function NotFound() {
  return null;
}
