import type { EmailConfig } from '../core/config/types';
import type { DoctorFinding, DoctorInput } from './types';

type MailCallback = 'sendVerificationEmail' | 'sendPasswordReset' | 'sendMagicLink';

/** The same rule the routes apply: the app's callback for this mail, or the HTTP mailer. */
function canMail(email: EmailConfig, callback: MailCallback): boolean {
  return email[callback] !== undefined || email.mailer !== undefined;
}

const MAIL_FIX = (callback: MailCallback) =>
  `Set email.mailer (an HTTP mail API) or email.${callback} (your own sender)`;

/**
 * Features that are switched on but have nothing to send with. Email verification and a store
 * that keeps reset tokens are explicit intent (their routes answer 501 MAIL_NOT_CONFIGURED);
 * magic links and SMS listed as second factors are silently never offered.
 */
function mailChecks(input: DoctorInput): DoctorFinding[] {
  const { config, users } = input;
  const email = config.email;
  const findings: DoctorFinding[] = [];
  const mode = config.emailVerificationMode;
  if (mode !== 'none' && !canMail(email, 'sendVerificationEmail')) {
    findings.push({
      // Strict mode refuses unverified sign-ins: without mail nobody new can ever sign in.
      level: mode === 'strict' ? 'error' : 'warn',
      code: 'MAIL_TRANSPORT_MISSING',
      message: `emailVerificationMode is '${mode}' but no verification mail can be sent`,
      fix: MAIL_FIX('sendVerificationEmail'),
    });
  }
  if (typeof users.findByResetToken === 'function' && !canMail(email, 'sendPasswordReset')) {
    findings.push({
      level: 'warn',
      code: 'MAIL_TRANSPORT_MISSING',
      message:
        'Password reset is enabled by the user store, but POST /forgot-password answers 501: no reset mail can be sent',
      fix: MAIL_FIX('sendPasswordReset'),
    });
  }
  const magicListed = config.source.twoFactor?.methods?.includes('magic-link') === true;
  if (magicListed && !canMail(email, 'sendMagicLink')) {
    findings.push({
      level: 'warn',
      code: 'MAIL_TRANSPORT_MISSING',
      message: "twoFactor.methods lists 'magic-link' but no magic-link mail can be sent",
      fix: MAIL_FIX('sendMagicLink'),
    });
  }
  return findings;
}

/** SMS listed explicitly as a second factor, with no gateway; the default list is not intent. */
function smsChecks(input: DoctorInput): DoctorFinding[] {
  const listed = input.config.source.twoFactor?.methods?.includes('sms') === true;
  if (input.config.sms !== undefined) return [];
  return [
    {
      level: listed ? 'warn' : 'info',
      code: 'SMS_TRANSPORT_MISSING',
      message: listed
        ? "twoFactor.methods lists 'sms' but config.sms is not set: SMS codes are never offered"
        : 'config.sms is not set: POST /sms/send answers 501 SMS_NOT_CONFIGURED',
      fix: 'Set sms.endpoint (an HTTP SMS API) or sms.sendSms (your own sender)',
    },
  ];
}

/** Mail and SMS transports against the features that need them. */
export function transportChecks(input: DoctorInput): DoctorFinding[] {
  return [...mailChecks(input), ...smsChecks(input)];
}
