import { titled } from "~/ui/meta";

/** Every unknown URL is a real 404, drawn by the root error boundary. */
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export function action() {
  throw new Response("Not found", { status: 404 });
}

export const handle = titled("error.404.title");

export default function NotFound() {
  return null;
}
