/** The name of the method in `available2faMethods`. */
export const SMS_METHOD = 'sms';

/** Digits in a code: 10^6 possibilities, of which an attacker gets `maxAttempts` guesses. */
export const SMS_CODE_DIGITS = 6;

/** A well-formed code: exactly {@link SMS_CODE_DIGITS} digits. */
export const SMS_CODE_PATTERN = new RegExp(`^\\d{${SMS_CODE_DIGITS}}$`);

/** The message when `sms.message` is not given. */
export const defaultSmsMessage = (code: string, minutes: number): string =>
  `Your sign-in code is ${code}. It expires in ${minutes} minutes.`;
