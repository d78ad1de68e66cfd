import { z } from 'zod';
import { EMAIL_CHARS_MAX } from './limits';

/** Emails are compared lower-cased and trimmed: one wallet per mailbox however it is typed. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_CHARS_MAX)
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const SigninCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'The code is 6 digits.');
