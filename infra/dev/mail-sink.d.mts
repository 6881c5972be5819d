// Types for mail-sink.mjs, for the TypeScript test suites that import it.
export interface SinkMail {
  /** Recipient addresses (the SMTP envelope), lower-cased. */
  to: string[];
  subject: string;
  text: string;
  receivedAt: Date;
}

export interface MailSink {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  port: number;
  dir: string | null;
  messages: SinkMail[];
  /** The newest mail already received that matches, or the next one to arrive. */
  waitFor(match: (mail: SinkMail) => boolean, timeoutMs?: number): Promise<SinkMail>;
  stop(): Promise<void>;
}

export declare function startMailSink(options?: {
  dir?: string;
  log?: unknown;
  port?: number;
}): Promise<MailSink>;
export declare function linkToken(
  mail: SinkMail,
  kind: 'verify-email' | 'accept-invitation',
): string;
