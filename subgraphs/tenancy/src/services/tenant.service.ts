/**
 * Tenant lifecycle: create (with a 14-day trial of a paid tier), update,
 * suspend and resume, delete, change tier. Every change writes its domain
 * event to the outbox in the same transaction.
 */
import { ConflictError, type Identity, InvalidStateError, LimitExceededError, parseInput, ValidationError } from '@platform/core';
import { recordEvents, setScope, type Tx, tenancyTables as t } from '@platform/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { effectiveTier, isTrialActive, TIER_NAMES, TIERS, TRIAL_DAYS, tierRank } from '../tiers.js';
import { asActor, isUniqueViolation, requireAccount, requireTenant, type TenancyDeps } from './deps.js';
import type { SessionService, SessionTokens } from './session.service.js';
import type { UsageService } from './usage.service.js';

const RESERVED_SLUGS = new Set(['admin', 'api', 'app', 'www', 'graphql', 'explorer', 'health', 'ready', 'login', 'signup', 'static', 'embed', 'platform', 'sandbox']);

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$/, 'must be 3–48 characters of a–z, 0–9 and inner hyphens')
  .refine((s) => !RESERVED_SLUGS.has(s), 'is reserved');

const nameSchema = z.string().trim().min(1, 'is required').max(120);

const createInput = z.object({ name: nameSchema, slug: slugSchema, tier: z.enum(TIER_NAMES).default('FREE') });
const updateInput = z.object({ name: nameSchema.optional(), slug: slugSchema.optional() });

export type TenantRow = typeof t.tenants.$inferSelect;

export class TenantService {
  constructor(
    private readonly deps: TenancyDeps,
    private readonly sessions: SessionService,
    private readonly usage: UsageService,
  ) {}

  /** Creates a tenant owned by the caller and returns it with a session scoped to it. */
  async create(actor: Identity, raw: unknown): Promise<{ tenant: TenantRow; session: SessionTokens }> {
    const accountId = requireAccount(actor);
    const input = parseInput(createInput, raw);
    const id = crypto.randomUUID();
    const now = this.deps.now();
    const trial = input.tier === 'FREE' ? null : { trialTier: input.tier, trialEndsAt: new Date(now.getTime() + TRIAL_DAYS * 86_400_000) };
    return asActor(this.deps, actor, async (tx) => {
      await setScope(tx, { tenantId: id, accountId });
      try {
        const [tenant] = await tx.insert(t.tenants).values({ id, name: input.name, slug: input.slug, tier: 'FREE', ...trial }).returning();
        const [owner] = await tx.insert(t.users).values({ tenantId: id, accountId, role: 'owner' }).returning();
        await recordEvents(tx, t.tenancyOutbox, [
          { tenantId: id, type: 'tenant.created@1', aggregateType: 'tenant', aggregateId: id, payload: { tenantId: id, slug: input.slug, tier: input.tier, ownerUserId: owner!.id } },
        ]);
        const session = await this.sessions.start(tx, accountId, id, { userAgent: actor.userAgent, ip: actor.clientIp });
        return { tenant: tenant!, session };
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`The slug "${input.slug}" is taken`, 'input.slug');
        throw err;
      }
    });
  }

  async update(actor: Identity, raw: unknown): Promise<TenantRow> {
    const input = parseInput(updateInput, raw);
    if (input.name === undefined && input.slug === undefined) throw ValidationError.single('input', 'Nothing to update');
    return this.mutate(actor, async (tx, tenant) => {
      try {
        const [row] = await tx.update(t.tenants).set({ ...input, updatedAt: this.deps.now() }).where(eq(t.tenants.id, tenant.id)).returning();
        return { row: row!, event: { type: 'tenant.updated@1', payload: { changes: input } } };
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`The slug "${input.slug}" is taken`, 'input.slug');
        throw err;
      }
    });
  }

  async suspend(actor: Identity, reason: string): Promise<TenantRow> {
    const trimmed = reason.trim();
    if (!trimmed || trimmed.length > 500) throw ValidationError.single('reason', 'must be 1–500 characters');
    return this.mutate(actor, async (tx, tenant) => {
      if (tenant.status === 'SUSPENDED') throw new InvalidStateError('The tenant is already suspended');
      const [row] = await tx
        .update(t.tenants)
        .set({ status: 'SUSPENDED', suspendedAt: this.deps.now(), suspensionReason: trimmed, updatedAt: this.deps.now() })
        .where(eq(t.tenants.id, tenant.id))
        .returning();
      await this.sessions.revokeTenantSessions(tx, tenant.id);
      return { row: row!, event: { type: 'tenant.suspended@1', payload: { reason: trimmed } } };
    }, { allowSuspended: true });
  }

  async resume(actor: Identity): Promise<TenantRow> {
    return this.mutate(actor, async (tx, tenant) => {
      if (tenant.status !== 'SUSPENDED') throw new InvalidStateError('The tenant is not suspended');
      const [row] = await tx
        .update(t.tenants)
        .set({ status: 'ACTIVE', suspendedAt: null, suspensionReason: null, updatedAt: this.deps.now() })
        .where(eq(t.tenants.id, tenant.id))
        .returning();
      return { row: row!, event: { type: 'tenant.resumed@1', payload: {} } };
    }, { allowSuspended: true });
  }

  /** Deletes the tenant and everything tenancy holds for it; the caller must repeat the slug. */
  async delete(actor: Identity, confirmSlug: string): Promise<string> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const tenant = await this.load(tx, tenantId);
      if (confirmSlug !== tenant.slug) throw ValidationError.single('confirmSlug', 'must equal the tenant slug');
      await recordEvents(tx, t.tenancyOutbox, [{ tenantId, type: 'tenant.deleted@1', aggregateType: 'tenant', aggregateId: tenantId, payload: { slug: tenant.slug } }]);
      await this.sessions.revokeTenantSessions(tx, tenantId);
      await tx.delete(t.tenants).where(eq(t.tenants.id, tenantId));
      return tenantId;
    });
  }

  /**
   * Moves the tenant to another tier. Buying the tier being tried converts the
   * trial. A downgrade is refused while the tenant uses more seats or storage
   * than the new tier allows; API calls above the new monthly limit simply stop
   * further calls until the month ends.
   */
  async changeTier(actor: Identity, tierRaw: string): Promise<TenantRow> {
    const tier = parseInput(z.enum(TIER_NAMES), tierRaw, 'tier');
    return this.mutate(actor, async (tx, tenant) => {
      const now = this.deps.now();
      const from = effectiveTier(tenant, now);
      if (tier === tenant.tier && !isTrialActive(tenant, now)) throw new InvalidStateError(`The tenant is already on ${tier}`);
      const limits = TIERS[tier];
      const seats = await this.usage.seatsUsed(tx, tenant.id);
      if (limits.maxUsers !== null && seats > limits.maxUsers) {
        throw new LimitExceededError('users', seats, limits.maxUsers, `${tier} allows ${limits.maxUsers} users; remove members first (${seats} in use)`);
      }
      const storage = await this.usage.storageBytesUsed(tx, tenant.id);
      if (limits.storageBytes !== null && storage > limits.storageBytes) {
        throw new LimitExceededError('storage', storage, limits.storageBytes, `${tier} allows ${limits.storageBytes} bytes of storage`);
      }
      const [row] = await tx
        .update(t.tenants)
        .set({ tier, trialTier: null, trialEndsAt: null, updatedAt: now })
        .where(eq(t.tenants.id, tenant.id))
        .returning();
      const direction = tierRank(tier) > tierRank(from) ? 'upgrade' : tierRank(tier) < tierRank(from) ? 'downgrade' : 'conversion';
      return { row: row!, event: { type: 'tenant.tier_changed@1', payload: { from, to: tier, direction } } };
    });
  }

  async load(tx: Tx, tenantId: string): Promise<TenantRow> {
    const [tenant] = await tx.select().from(t.tenants).where(eq(t.tenants.id, tenantId));
    if (!tenant) throw new InvalidStateError('The current tenant no longer exists');
    return tenant;
  }

  /** Loads the caller's tenant, refuses suspended ones, runs the change and records its event. */
  private async mutate(
    actor: Identity,
    change: (tx: Tx, tenant: TenantRow) => Promise<{ row: TenantRow; event: { type: string; payload: Record<string, unknown> } }>,
    options: { allowSuspended?: boolean } = {},
  ): Promise<TenantRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const tenant = await this.load(tx, tenantId);
      if (tenant.status === 'SUSPENDED' && !options.allowSuspended) throw new InvalidStateError('The tenant is suspended');
      const { row, event } = await change(tx, tenant);
      await recordEvents(tx, t.tenancyOutbox, [{ tenantId, aggregateType: 'tenant', aggregateId: tenantId, ...event }]);
      return row;
    });
  }
}
