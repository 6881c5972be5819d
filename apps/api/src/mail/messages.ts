import type { Mail } from './mailer';

/*
 * The mails Herald sends. Tokens travel in the URL fragment: browsers do not send it to the
 * server or in Referer headers, so links do not end up in access logs.
 */

export function verificationMail(publicUrl: string, to: string, token: string): Mail {
  const link = `${publicUrl}/verify-email#token=${token}`;
  return {
    to,
    subject: 'Confirm your e-mail address for Herald',
    text: [
      'Someone (hopefully you) created a Herald account with this address.',
      '',
      `Confirm it by opening this link within 24 hours:`,
      link,
      '',
      'If it was not you, ignore this mail: the account stays unconfirmed, and an invitation',
      'sent to this address will let you take it over.',
    ].join('\n'),
  };
}

export function invitationMail(
  publicUrl: string,
  to: string,
  token: string,
  tenantName: string,
  role: string,
): Mail {
  const link = `${publicUrl}/accept-invitation#token=${token}`;
  return {
    to,
    subject: `You are invited to ${tenantName} on Herald`,
    text: [
      `You are invited to join ${tenantName} on Herald as ${role}.`,
      '',
      'Accept by opening this link:',
      link,
      '',
      'If you already have a Herald account with this address, you will be asked for its password.',
    ].join('\n'),
  };
}
