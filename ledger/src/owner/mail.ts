// Sign-in mail delivery. Production: Amazon SES. Local: the code goes to a callback (`npm start`
// prints it) and to a bounded in-memory outbox shown on the dev-only outbox page.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { LOCAL_OUTBOX_MAILS_MAX } from './limits';
import type { Mailer, SigninMail } from './ports';

export interface OutboxMail extends SigninMail {
  sentAt: Date;
}

export class LocalMailer implements Mailer {
  private readonly mails: OutboxMail[] = [];

  constructor(
    private readonly onMail: (mail: SigninMail) => void = () => {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  async sendSigninCode(mail: SigninMail): Promise<void> {
    this.mails.unshift({ ...mail, sentAt: this.now() });
    this.mails.length = Math.min(this.mails.length, LOCAL_OUTBOX_MAILS_MAX);
    this.onMail(mail);
  }

  /** Newest first. */
  outbox(): readonly OutboxMail[] {
    return this.mails;
  }

  latestCodeFor(email: string): string | null {
    return this.mails.find((mail) => mail.to === email)?.code ?? null;
  }
}

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async sendSigninCode(mail: SigninMail): Promise<void> {
    const text = `Your fleeex sign-in code is ${mail.code}.\n\nIt expires at ${mail.expiresAt.toISOString()}. If you did not ask for it, ignore this email.`;
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: { Simple: { Subject: { Data: `fleeex sign-in code ${mail.code}` }, Body: { Text: { Data: text } } } },
      }),
    );
  }
}

export function sesMailer(from: string, region?: string): SesMailer {
  return new SesMailer(new SESv2Client(region ? { region } : {}), from);
}
