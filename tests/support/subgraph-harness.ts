/**
 * The parts every subgraph's test harness shares: a controllable clock,
 * identities of a fresh tenant, the subgraph runtime behind the identity-header
 * guard with a client that signs requests the way the gateway does, and a
 * reader of a subgraph's outbox.
 */
import { BUILT_IN_ROLES, type BaseContext, createLogger, type Identity, type SubgraphDefinition, startSubgraphRuntime } from '@platform/core';
import { type AppDatabase, inScope, type OutboxTable } from '@platform/db';
import { asc, eq } from 'drizzle-orm';
import { signedSubgraphClient } from './subgraph-client.js';

export interface Clock {
  now: Date;
  advance(ms: number): void;
}

export function testClock(start: Date): Clock {
  return {
    now: start,
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
}

export interface TestTenant {
  tenantId: string;
  /** An owner: every permission. */
  owner: Identity;
  /** A user of the tenant with the given permissions (a member's by default). */
  user(scopes?: readonly string[], userId?: string): Identity;
}

/** A new tenant id and identities in it, as the gateway would forward them. */
export function testTenant(): TestTenant {
  const tenantId = crypto.randomUUID();
  const user = (scopes: readonly string[] = BUILT_IN_ROLES.member, userId = crypto.randomUUID()): Identity => ({
    accountId: crypto.randomUUID(),
    sessionId: crypto.randomUUID(),
    tenantId,
    userId,
    role: 'custom',
    scopes: [...scopes],
    authMethod: 'access_token',
    requestId: crypto.randomUUID(),
    clientIp: null,
    userAgent: null,
  });
  return { tenantId, owner: user(BUILT_IN_ROLES.owner), user };
}

/** Starts the subgraph's runtime with a fresh internal secret; `gql`/`ok` sign requests with it. */
export async function startSignedRuntime<C extends BaseContext>(definition: SubgraphDefinition<C>) {
  const internalSecret = `test-secret-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const runtime = await startSubgraphRuntime(definition, { internalSecret, logger });
  return { runtime, logger, ...signedSubgraphClient(runtime, internalSecret) };
}

/** A tenant's outbox rows, oldest first, optionally of one event type. */
export function outboxRows(db: AppDatabase, outbox: OutboxTable, tenantId: string, type?: string) {
  return inScope(db, { tenantId, accountId: null }, (tx) =>
    tx
      .select()
      .from(outbox)
      .where(type ? eq(outbox.type, type) : undefined)
      .orderBy(asc(outbox.position)),
  );
}
