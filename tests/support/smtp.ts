import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback that keeps what it receives (for the outbox tests). */
export type Received = { from: string; to: string[]; raw: string; subject: string; messageId: string };

export async function startSmtp(options: { failFirst?: number } = {}) {
  const received: Received[] = [];
  let failures = options.failFirst ?? 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
      stream.on("end", () => {
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
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
