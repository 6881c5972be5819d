import type { MailConfig } from '@herald/config';
import { MailNotConfiguredError } from '@herald/domain';
import type { Logger } from '@herald/observability';
import nodemailer, { type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends the mail that proves an address: verification and invitation links. */
export interface Mailer {
  /** Whether mail leaves this process (SMTP, or the development log). */
  readonly enabled: boolean;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * nodemailer over SMTP_URL. Without it, development writes each mail to the log (the links are
 * the point of the mail, so they are logged in full there), and production refuses to send:
 * callers that cannot go on without the mail (invitations) surface MAIL_NOT_CONFIGURED.
 */
export function createMailer(config: MailConfig, logger: Logger): Mailer {
  if (config.smtpUrl)
    return new SmtpMailer(nodemailer.createTransport(config.smtpUrl), config.from);
  if (config.logInstead) {
    return {
      enabled: true,
      async send(mail) {
        logger.info('mail (no SMTP_URL: logged, not sent)', { to: mail.to, subject: mail.subject });
        // The body goes to stdout as it is: the logger would redact the token in the link.
        process.stdout.write(`\n----- mail to ${mail.to}: ${mail.subject}\n${mail.text}\n-----\n`);
      },
      close() {},
    };
  }
  return {
    enabled: false,
    send: () => Promise.reject(new MailNotConfiguredError()),
    close() {},
  };
}

class SmtpMailer implements Mailer {
  readonly enabled = true;

  constructor(
    private readonly transport: Transporter,
    private readonly from: string,
  ) {}

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}
