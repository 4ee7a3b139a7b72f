import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback that keeps what it receives (for the outbox tests). */
export type Received = { from: string; to: string[]; raw: string; subject: string; messageId: string; at: number };

export async function startSmtp(options: { failFirst?: number; hold?: boolean } = {}) {
  const received: Received[] = [];
  let failures = options.failFirst ?? 0;
  // `hold`: every message waits at the end of DATA, unanswered, until `release()` (a slow server).
  let open!: () => void;
  const gate = options.hold ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
  let waiting = 0;
  let mostWaiting = 0;
  // `holdOne()`: the next message is accepted (kept) but its "250 OK" is withheld until `releaseHeld()`.
  let holdNext: (() => void) | null = null;
  let releaseHeld: () => void = () => {};
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
      stream.on("end", async () => {
        waiting++;
        mostWaiting = Math.max(mostWaiting, waiting);
        await gate;
        waiting--;
        if (failures > 0) {
          failures--;
          const error = new Error("Try again later") as Error & { responseCode: number };
          error.responseCode = 451;
          return callback(error);
        }
        // Unfold folded header lines and quoted-printable soft line breaks, enough to read the mail.
        const unfolded = raw.replace(/\r?\n[ \t]+/g, " ");
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, "mi").exec(unfolded)?.[1]?.trim() ?? "";
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: raw.replace(/=\r?\n/g, ""),
          subject: header("Subject"),
          messageId: header("Message-ID"),
          at: Date.now(),
        });
        if (holdNext) {
          const held = holdNext;
          holdNext = null;
          const answered = new Promise<void>((resolve) => (releaseHeld = resolve));
          held();
          await answered;
        }
        callback();
      });
    },
  });
  // A client that dies mid-session (the kill test) resets its connection: that is the point, not an error.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Messages the server holds unanswered right now, and the most it held at once. */
    waiting: () => waiting,
    mostWaiting: () => mostWaiting,
    release: () => open?.(),
    /** Resolves once the next message is in the server's hands and its acceptance withheld. */
    holdOne: () => new Promise<void>((resolve) => (holdNext = resolve)),
    releaseHeld: () => releaseHeld(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
