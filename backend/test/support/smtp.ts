import type { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: ParsedMail['headers'];
  /** A header as it was sent (unfolded), by lower-case name */
  header(name: string): string | undefined;
}

export interface TestSmtp {
  url: string;
  mails: CaughtMail[];
  /** The next `n` messages are refused with a 451 (temporary failure), as a flaky relay would. */
  refuseNext(n: number): void;
  /** Mail for one address. */
  to(address: string): CaughtMail[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server, nodemailer's sibling) on a free port that keeps what it receives, parsed. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const mails: CaughtMail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const err = Object.assign(new Error('try again later'), { responseCode: 451 });
          return callback(err);
        }
        simpleParser(Buffer.concat(chunks))
          .then((m) => {
            const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
            const raw = new Map(
              m.headerLines.map((h) => [
                h.key.toLowerCase(),
                h.line
                  .slice(h.line.indexOf(':') + 1)
                  .replace(/\r?\n\s+/g, ' ')
                  .trim(),
              ]),
            );
            mails.push({
              to,
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
              messageId: m.messageId ?? '',
              headers: m.headers,
              header: (name) => raw.get(name.toLowerCase()),
            });
            callback();
          })
          .catch((e) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext: (n) => (refuse = n),
    to: (address) => mails.filter((m) => m.to.includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
