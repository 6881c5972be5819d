// An embedded SMTP server that accepts every message on loopback and keeps it: the mail Herald
// sends in development (`npm start`: .eml files in a directory) and in tests (read in memory, so
// a test can follow the link it was sent). It never relays anything anywhere.
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { normalizeLog } from './util.mjs';

const HOST = '127.0.0.1';

/**
 * @typedef {object} SinkMail
 * @property {string[]} to      recipient addresses (the SMTP envelope)
 * @property {string} subject
 * @property {string} text
 * @property {Date} receivedAt
 */

/**
 * @param {{ dir?: string, log?: any, port?: number }} [options]  dir: also write each mail there
 * @returns {Promise<{ url: string, port: number, dir: string | null, messages: SinkMail[],
 *   waitFor: (match: (mail: SinkMail) => boolean, timeoutMs?: number) => Promise<SinkMail>,
 *   stop: () => Promise<void> }>}
 */
export async function startMailSink({ dir, log, port = 0 } = {}) {
  log = normalizeLog(log);
  if (dir) await fs.mkdir(dir, { recursive: true });
  /** @type {SinkMail[]} */
  const messages = [];
  const waiters = new Set();
  let count = 0;
  const server = new SMTPServer({
    // Loopback only and plain text: there is nothing to protect and no TLS to set up.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', async () => {
        try {
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          const mail = {
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            receivedAt: new Date(),
          };
          messages.push(mail);
          if (dir) {
            count += 1;
            const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${count}.eml`;
            await fs.writeFile(path.join(dir, name), raw);
            log(`mail to ${mail.to.join(', ')}: ${mail.subject} (${path.join(dir, name)})`);
          }
          for (const waiter of waiters) waiter(mail);
          callback();
        } catch (err) {
          callback(err);
        }
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(undefined));
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.server.address()).port;

  return {
    url: `smtp://${HOST}:${actualPort}`,
    port: actualPort,
    dir: dir ?? null,
    messages,
    waitFor(match, timeoutMs = 10_000) {
      const found = messages.findLast(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (mail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/** The token of the first Herald link of `kind` (verify-email, accept-invitation) in a mail. */
export function linkToken(mail, kind) {
  const match = new RegExp(`/${kind}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${kind} link in mail "${mail.subject}"`);
  return match[1];
}
