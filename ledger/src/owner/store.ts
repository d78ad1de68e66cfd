// DynamoDB items of the owner flows, in the ledger table (layout: README.md beside this file).
// Every state change is a conditional write; nothing here touches a money field.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { PURGE_GRACE_S, STRIPE_RECORD_RETENTION_S } from './limits';

export interface SigninCodeItem {
  email: string;
  code_hash: string;
  attempts: number;
  expires_at_s: number;
}

export interface SessionItem {
  session_hash: string;
  email: string;
  wallet_id: string;
  expires_at_s: number;
}

export type ConnectStatus = 'pending' | 'approved' | 'denied';

export interface ConnectSessionItem {
  connect_id: string;
  app_id: string;
  app_user_id: string;
  return_url: string;
  monthly_cap_micros: number | null;
  state: string | null;
  status: ConnectStatus;
  expires_at_s: number;
  created_at: string;
  /** Set once decided. */
  wallet_id?: string;
  approved_cap_micros?: number | null;
}

export type TopupStatus = 'created' | 'credited';

export interface TopupItem {
  topup_id: string;
  wallet_id: string;
  amount_micros: number;
  status: TopupStatus;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  created_at: string;
  /** Cumulative cents refunded or withdrawn by disputes that this top-up has been debited for. */
  refunded_cents: number;
  /** `refund:{cumulative cents}` or `dispute:{id}` -> micros to debit; replayed until debited. */
  debits: Record<string, number>;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export class OwnerStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | null> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk, sk }), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : null;
  }

  // Owners -----------------------------------------------------------------------------------------

  /** Claims `email -> walletId` if no wallet is claimed yet; returns the wallet that owns the email. */
  async claimOwnerWallet(email: string, walletId: string, now: Date): Promise<string> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: `OWNER#${email}`, sk: 'OWNER', email, wallet_id: walletId, created_at: now.toISOString() }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return walletId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(`OWNER#${email}`, 'OWNER');
      if (!existing) throw new Error('owner item vanished after a failed claim');
      return existing.wallet_id as string;
    }
  }

  async ownerWallet(email: string): Promise<string | null> {
    const item = await this.get(`OWNER#${email}`, 'OWNER');
    return item ? (item.wallet_id as string) : null;
  }

  // Sign-in codes ----------------------------------------------------------------------------------

  /** One live code per email: a new code replaces the previous one (and its attempt count). */
  async putSigninCode(email: string, codeHash: string, expiresAt: Date): Promise<void> {
    const expiresAtS = epochSeconds(expiresAt);
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ pk: `SIGNIN#${email}`, sk: 'CODE', code_hash: codeHash, attempts: 0, expires_at_s: expiresAtS, purge_at: expiresAtS + PURGE_GRACE_S }),
      }),
    );
  }

  /**
   * Counts one attempt against the live code, atomically refusing when none is left or it expired.
   * Returns the code item after counting, or why no attempt is allowed.
   */
  async countSigninAttempt(
    email: string,
    attemptsMax: number,
    now: Date,
  ): Promise<{ ok: true; item: SigninCodeItem } | { ok: false; reason: 'missing' | 'expired' | 'exhausted' }> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `SIGNIN#${email}`, sk: 'CODE' }),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND attempts < :max AND expires_at_s > :now',
          ExpressionAttributeValues: marshall({ ':one': 1, ':max': attemptsMax, ':now': epochSeconds(now) }),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = unmarshall(out.Attributes!);
      return { ok: true, item: { email, code_hash: item.code_hash, attempts: item.attempts, expires_at_s: item.expires_at_s } };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!error.Item) return { ok: false, reason: 'missing' };
      const old = unmarshall(error.Item);
      return { ok: false, reason: old.expires_at_s <= epochSeconds(now) ? 'expired' : 'exhausted' };
    }
  }

  /** Consumes the code if it is still the one checked: a code signs in at most once. */
  async consumeSigninCode(email: string, codeHash: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `SIGNIN#${email}`, sk: 'CODE' }),
          ConditionExpression: 'code_hash = :hash',
          ExpressionAttributeValues: marshall({ ':hash': codeHash }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // Rate limits ------------------------------------------------------------------------------------

  /** Fixed-window counter: one conditional ADD; false when the window's budget is spent. */
  async takeRateToken(scope: string, key: string, max: number, windowMs: number, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const windowEndS = Math.ceil((windowStart + windowMs) / 1000);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `RATE#${scope}#${key}`, sk: String(windowStart) }),
          UpdateExpression: 'ADD n :one SET purge_at = :purge',
          ConditionExpression: 'attribute_not_exists(n) OR n < :max',
          ExpressionAttributeValues: marshall({ ':one': 1, ':max': max, ':purge': windowEndS + PURGE_GRACE_S }),
        }),
      );
      return { allowed: true, retryAfterSeconds: 0 };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { allowed: false, retryAfterSeconds: Math.max(1, windowEndS - epochSeconds(now)) };
    }
  }

  // Sessions ---------------------------------------------------------------------------------------

  async putSession(session: SessionItem, now: Date): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({
          pk: `SESSION#${session.session_hash}`,
          sk: 'SESSION',
          email: session.email,
          wallet_id: session.wallet_id,
          expires_at_s: session.expires_at_s,
          created_at: now.toISOString(),
          purge_at: session.expires_at_s + PURGE_GRACE_S,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getSession(sessionHash: string): Promise<SessionItem | null> {
    const item = await this.get(`SESSION#${sessionHash}`, 'SESSION');
    if (!item) return null;
    return { session_hash: sessionHash, email: item.email as string, wallet_id: item.wallet_id as string, expires_at_s: item.expires_at_s as number };
  }

  async deleteSession(sessionHash: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' }) }));
  }

  // Connect sessions -------------------------------------------------------------------------------

  async putConnectSession(session: ConnectSessionItem): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(
          { pk: `CONNECT#${session.connect_id}`, sk: 'CONNECT', ...session, purge_at: session.expires_at_s + PURGE_GRACE_S },
          { removeUndefinedValues: true },
        ),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getConnectSession(connectId: string): Promise<ConnectSessionItem | null> {
    const item = await this.get(`CONNECT#${connectId}`, 'CONNECT');
    if (!item) return null;
    const { pk: _pk, sk: _sk, purge_at: _purge, ...rest } = item;
    return rest as unknown as ConnectSessionItem;
  }

  /**
   * Decides a pending, unexpired session once. A repeat of the same decision by the same wallet also
   * succeeds (so a retried approval can finish creating its grant); anything else fails.
   */
  async decideConnectSession(
    connectId: string,
    decision: { status: 'approved' | 'denied'; wallet_id: string; approved_cap_micros: number | null },
    now: Date,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `CONNECT#${connectId}`, sk: 'CONNECT' }),
          UpdateExpression: 'SET #status = :status, wallet_id = :wallet, approved_cap_micros = :cap, decided_at = :now',
          ConditionExpression:
            'attribute_exists(pk) AND expires_at_s > :nows AND (#status = :pending OR (#status = :status AND wallet_id = :wallet))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':status': decision.status,
            ':wallet': decision.wallet_id,
            ':cap': decision.approved_cap_micros,
            ':now': now.toISOString(),
            ':nows': epochSeconds(now),
            ':pending': 'pending',
          }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // Top-ups and Stripe -----------------------------------------------------------------------------

  async putTopup(topup: TopupItem): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall(
          { pk: `TOPUP#${topup.topup_id}`, sk: 'TOPUP', ...topup, purge_at: epochSeconds(new Date(topup.created_at)) + STRIPE_RECORD_RETENTION_S },
          { removeUndefinedValues: true },
        ),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getTopup(topupId: string): Promise<TopupItem | null> {
    const item = await this.get(`TOPUP#${topupId}`, 'TOPUP');
    if (!item) return null;
    const { pk: _pk, sk: _sk, purge_at: _purge, ...rest } = item;
    return rest as unknown as TopupItem;
  }

  async setTopupCheckoutSession(topupId: string, checkoutSessionId: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: `TOPUP#${topupId}`, sk: 'TOPUP' }),
        UpdateExpression: 'SET checkout_session_id = :cs',
        ConditionExpression: 'attribute_exists(pk) AND (checkout_session_id = :null OR checkout_session_id = :cs)',
        ExpressionAttributeValues: marshall({ ':cs': checkoutSessionId, ':null': null }),
      }),
    );
  }

  /** Records that the top-up was credited, and its payment intent (refunds and disputes find it by that). */
  async markTopupCredited(topupId: string, paymentIntentId: string | null): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: `TOPUP#${topupId}`, sk: 'TOPUP' }),
        UpdateExpression: 'SET #status = :credited, payment_intent_id = if_not_exists(payment_intent_id, :pi)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':credited': 'credited', ':pi': paymentIntentId }),
      }),
    );
    if (paymentIntentId) {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: `STRIPE_PI#${paymentIntentId}`, sk: 'PI', topup_id: topupId }),
        }),
      );
    }
  }

  async topupByPaymentIntent(paymentIntentId: string): Promise<TopupItem | null> {
    const item = await this.get(`STRIPE_PI#${paymentIntentId}`, 'PI');
    return item ? this.getTopup(item.topup_id as string) : null;
  }

  /**
   * Records a debit owed by a top-up (a refund up to a cumulative amount, or a dispute) before it is
   * made, so a crash between the record and the debit is finished by the next delivery.
   * `refund`: the cumulative cents refunded now and the value read before (optimistic concurrency:
   * two refund events racing cannot both debit the same cents). False when the condition failed.
   */
  async recordTopupDebit(
    topupId: string,
    debitKey: string,
    amountMicros: number,
    refund: { previousCents: number; cumulativeCents: number } | null,
  ): Promise<boolean> {
    const names = { '#debits': 'debits', '#key': debitKey };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `TOPUP#${topupId}`, sk: 'TOPUP' }),
          UpdateExpression: refund === null ? 'SET #debits.#key = :amount' : 'SET #debits.#key = :amount, refunded_cents = :cents',
          ConditionExpression:
            refund === null
              ? 'attribute_exists(pk) AND attribute_not_exists(#debits.#key)'
              : 'attribute_exists(pk) AND attribute_not_exists(#debits.#key) AND refunded_cents = :previous',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(
            refund === null
              ? { ':amount': amountMicros }
              : { ':amount': amountMicros, ':cents': refund.cumulativeCents, ':previous': refund.previousCents },
          ),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async hasStripeEvent(eventId: string): Promise<boolean> {
    return (await this.get(`STRIPE_EVENT#${eventId}`, 'EVENT')) !== null;
  }

  async putStripeEvent(eventId: string, type: string, outcome: string, now: Date): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({
          pk: `STRIPE_EVENT#${eventId}`,
          sk: 'EVENT',
          type,
          outcome,
          processed_at: now.toISOString(),
          purge_at: epochSeconds(now) + STRIPE_RECORD_RETENTION_S,
        }),
      }),
    );
  }
}
