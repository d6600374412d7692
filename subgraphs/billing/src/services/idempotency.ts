/**
 * Idempotency keys for money-moving mutations, Stripe's contract: the same key
 * with the same input returns the first call's result; the same key with a
 * different input (or another operation) is a CONFLICT; keys live 24 hours.
 *
 * The key row is inserted first, inside the mutation's transaction. A second
 * call with the same key racing the first blocks on that insert until the first
 * commits (then replays its result) or rolls back (then runs itself), so two
 * concurrent retries can never both move money.
 */
import { createHash } from 'node:crypto';
import { ConflictError, ValidationError } from '@platform/core';
import { billingTables as b, type Tx } from '@platform/db';
import { and, eq, lte } from 'drizzle-orm';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** What an operation stores to replay: usually the id of what it created or changed. */
export type IdempotentResult = Record<string, unknown>;

export interface IdempotencyRequest {
  tenantId: string;
  key: string | null | undefined;
  operation: string;
  input: unknown;
  now: Date;
}

/**
 * Runs `work` once per key. `work` returns the result to store; `replay` turns
 * a stored result into the caller's value (typically by reloading an entity).
 */
export async function idempotent<R extends IdempotentResult>(tx: Tx, request: IdempotencyRequest, work: () => Promise<R>): Promise<{ result: R; replayed: boolean }> {
  if (request.key == null) return { result: await work(), replayed: false };
  const key = validKey(request.key);
  const fingerprint = fingerprintOf(request.operation, request.input);
  // An expired key is forgotten, so it may be used again.
  await tx.delete(b.idempotencyKeys).where(and(eq(b.idempotencyKeys.tenantId, request.tenantId), eq(b.idempotencyKeys.key, key), lte(b.idempotencyKeys.expiresAt, request.now)));
  const claimed = await tx
    .insert(b.idempotencyKeys)
    .values({ tenantId: request.tenantId, key, operation: request.operation, fingerprint, result: {}, createdAt: request.now, expiresAt: new Date(request.now.getTime() + IDEMPOTENCY_TTL_MS) })
    .onConflictDoNothing()
    .returning({ key: b.idempotencyKeys.key });
  if (claimed.length === 0) {
    const [stored] = await tx.select().from(b.idempotencyKeys).where(and(eq(b.idempotencyKeys.tenantId, request.tenantId), eq(b.idempotencyKeys.key, key)));
    if (!stored) throw new ConflictError('The idempotency key is in use by a request that has not finished; retry', 'idempotencyKey');
    if (stored.operation !== request.operation || stored.fingerprint !== fingerprint) {
      throw new ConflictError(
        `Idempotency key "${key}" was already used ${stored.operation === request.operation ? 'with different input' : `for ${stored.operation}`}; use a new key for a new request`,
        'idempotencyKey',
      );
    }
    return { result: stored.result as R, replayed: true };
  }
  const result = await work();
  await tx.update(b.idempotencyKeys).set({ result }).where(and(eq(b.idempotencyKeys.tenantId, request.tenantId), eq(b.idempotencyKeys.key, key)));
  return { result, replayed: false };
}

function validKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length < 1 || trimmed.length > 255) throw ValidationError.single('idempotencyKey', 'must be 1–255 characters');
  return trimmed;
}

/** A hash of the operation and its input, independent of object key order. */
export function fingerprintOf(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(stableJson(input)).digest('hex');
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
