/**
 * Custom domains of a tenant: claim one (ENTERPRISE and up), prove control of
 * it with a DNS TXT record, re-check it, remove it. A domain is unique across
 * the platform, so a claim by another tenant is a conflict.
 */
import { ConflictError, type Identity, LimitExceededError, NotFoundError, ValidationError } from '@platform/core';
import { recordEvents, type Tx, tenancyTables as t } from '@platform/db';
import { and, asc, count, eq } from 'drizzle-orm';
import { assertTierFeature, effectiveTier } from '../tiers.js';
import { asActor, isUniqueViolation, requireTenant, type TenancyDeps } from './deps.js';
import { checkDomainVerification, createVerificationToken, normalizeDomain, type VerificationResult } from './domains/domain-verification.js';

export type CustomDomainRow = typeof t.customDomains.$inferSelect;
export type CustomDomainStatus = 'PENDING' | 'VERIFIED' | 'FAILED';

export const MAX_CUSTOM_DOMAINS = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A lookup that could not get an answer proves nothing either way, so it does
// not take a verified domain offline; a missing or different record does.
const INCONCLUSIVE = new Set<VerificationResult['reason']>(['DNS_ERROR', 'TIMEOUT']);

export class DomainService {
  constructor(private readonly deps: TenancyDeps) {}

  /** The tenant's domains, oldest first; empty for a tenant other than the caller's. */
  async list(actor: Identity, tenantId: string): Promise<CustomDomainRow[]> {
    if (tenantId !== actor.tenantId) return [];
    return asActor(this.deps, actor, (tx) =>
      tx.select().from(t.customDomains).where(eq(t.customDomains.tenantId, tenantId)).orderBy(asc(t.customDomains.createdAt), asc(t.customDomains.domain)),
    );
  }

  async add(actor: Identity, rawDomain: string): Promise<CustomDomainRow> {
    const tenantId = requireTenant(actor);
    const normalized = normalizeDomain(rawDomain);
    if (!normalized.ok) throw ValidationError.single('domain', normalized.message);
    const { domain } = normalized;
    return asActor(this.deps, actor, async (tx) => {
      // The lock makes the count below hold until this transaction commits.
      const [tenant] = await tx.select().from(t.tenants).where(eq(t.tenants.id, tenantId)).for('update');
      if (!tenant) throw new Error(`tenant ${tenantId} not visible in this scope`);
      assertTierFeature(effectiveTier(tenant, this.deps.now()), 'custom_domains', 'Custom domains');
      const [used] = await tx.select({ n: count() }).from(t.customDomains).where(eq(t.customDomains.tenantId, tenantId));
      const n = used?.n ?? 0;
      if (n >= MAX_CUSTOM_DOMAINS) throw new LimitExceededError('custom_domains', n, MAX_CUSTOM_DOMAINS, `A tenant can have at most ${MAX_CUSTOM_DOMAINS} custom domains; remove one first`);
      let row: CustomDomainRow | undefined;
      try {
        [row] = await tx.insert(t.customDomains).values({ tenantId, domain, verificationToken: createVerificationToken() }).returning();
      } catch (err) {
        // Another tenant's claim is invisible under RLS; only the unique index sees it.
        if (isUniqueViolation(err)) throw new ConflictError(`${domain} is already in use`, 'domain');
        throw err;
      }
      await recordEvents(tx, t.tenancyOutbox, [{ tenantId, type: 'custom_domain.added@1', aggregateType: 'custom_domain', aggregateId: row!.id, payload: { domain } }]);
      return row!;
    });
  }

  /**
   * Looks up the TXT record and records the outcome. The DNS query runs between
   * two transactions so a slow resolver never holds a database connection.
   */
  async verify(actor: Identity, id: string): Promise<CustomDomainRow> {
    const tenantId = requireTenant(actor);
    const before = await asActor(this.deps, actor, (tx) => this.find(tx, id));
    const result = await checkDomainVerification({ domain: before.domain, token: before.verificationToken, resolver: this.deps.txtResolver });
    return asActor(this.deps, actor, async (tx) => {
      const current = await this.find(tx, id, { lock: true });
      const now = this.deps.now();
      const wasVerified = current.status === 'VERIFIED';
      const verified = result.verified || (wasVerified && INCONCLUSIVE.has(result.reason));
      const status: CustomDomainStatus = verified ? 'VERIFIED' : 'FAILED';
      const [row] = await tx
        .update(t.customDomains)
        .set({ status, verifiedAt: verified ? (current.verifiedAt ?? now) : null, lastCheckedAt: now, lastCheckResult: describe(result) })
        .where(eq(t.customDomains.id, id))
        .returning();
      const event = { tenantId, aggregateType: 'custom_domain', aggregateId: id, payload: { domain: current.domain } };
      if (verified && !wasVerified) await recordEvents(tx, t.tenancyOutbox, [{ ...event, type: 'custom_domain.verified@1' }]);
      if (!verified && wasVerified) await recordEvents(tx, t.tenancyOutbox, [{ ...event, type: 'custom_domain.verification_lost@1', payload: { ...event.payload, reason: result.reason } }]);
      return row!;
    });
  }

  async remove(actor: Identity, id: string): Promise<string> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const row = await this.find(tx, id);
      await tx.delete(t.customDomains).where(and(eq(t.customDomains.id, id), eq(t.customDomains.tenantId, tenantId)));
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'custom_domain.removed@1', aggregateType: 'custom_domain', aggregateId: id, payload: { domain: row.domain, status: row.status } },
      ]);
      return id;
    });
  }

  /** One of the caller's domains; RLS makes another tenant's look like a missing one. */
  private async find(tx: Tx, id: string, options: { lock?: boolean } = {}): Promise<CustomDomainRow> {
    // Not a uuid cannot exist, and PostgreSQL would reject the cast with an error.
    if (!UUID.test(id)) throw new NotFoundError('CustomDomain', id);
    const query = tx.select().from(t.customDomains).where(eq(t.customDomains.id, id));
    const [row] = options.lock ? await query.for('update') : await query;
    if (!row) throw new NotFoundError('CustomDomain', id);
    return row;
  }
}

function describe(result: VerificationResult): string {
  return result.detail ? `${result.reason}: ${result.detail}` : result.reason;
}
