/**
 * Customers: the tenant's accounts, their owner CSM, segment and lifecycle
 * stage. Every change records its domain event and journey entry in the same
 * transaction; a move to or from CHURNED feeds the churn model's training data.
 */
import { ConflictError, type Identity, InvalidStateError, NotFoundError, parseInput } from '@platform/core';
import { customerSuccessTables as cs } from '@platform/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { emit } from '../events/emit.js';
import type { ChurnService } from './churn.service.js';
import { type CustomerRow, findCustomer, lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, isUniqueViolation, requireTenant } from './deps.js';
import type { JourneyService } from './journey.service.js';
import type { PlaybookService } from './playbook.service.js';

export const SEGMENTS = ['SMB', 'MID_MARKET', 'ENTERPRISE'] as const;
export const LIFECYCLE_STAGES = ['ONBOARDING', 'ACTIVE', 'EXPANSION', 'RENEWAL', 'AT_RISK', 'CHURNED'] as const;
export type Segment = (typeof SEGMENTS)[number];
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^https?:\/\//, '').replace(/\/.*$/, ''))
  .refine((d) => DOMAIN_PATTERN.test(d), 'must be a domain name such as example.com');
const fields = {
  name: z.string().trim().min(1, 'is required').max(200),
  domain: domainSchema.nullish(),
  segment: z.enum(SEGMENTS),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  ownerUserId: z.string().uuid('must be a user id').nullish(),
};
const createInput = z.object({ ...fields, lifecycleStage: fields.lifecycleStage.default('ONBOARDING') });
const updateInput = z.object({
  name: fields.name.optional(),
  domain: fields.domain,
  segment: fields.segment.optional(),
  lifecycleStage: fields.lifecycleStage.optional(),
  ownerUserId: fields.ownerUserId,
});


const DOMAIN_INDEX = 'customers_tenant_domain_active_idx';
const UPDATABLE = ['name', 'domain', 'segment', 'lifecycleStage', 'ownerUserId'] as const;

export class CustomerService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly churn: ChurnService,
    private readonly playbooks: PlaybookService,
    private readonly journey: JourneyService,
  ) {}

  async create(actor: Identity, raw: unknown): Promise<CustomerRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(createInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const now = this.deps.now();
      const row = await this.uniqueDomain(() =>
        tx
          .insert(cs.customers)
          .values({ tenantId, name: input.name, domain: input.domain ?? null, segment: input.segment, lifecycleStage: input.lifecycleStage, ownerUserId: input.ownerUserId ?? null, createdAt: now, updatedAt: now })
          .returning(),
      );
      await emit(tx, tenantId, 'customer.created@1', { type: 'customer', id: row.id }, eventFields(row));
      await this.journey.record(tx, tenantId, row.id, { kind: 'CUSTOMER_CREATED', title: `${row.name} became a customer`, occurredAt: now });
      if (row.lifecycleStage === 'CHURNED') await this.churn.onChurnLabelChanged(tx, tenantId, row.id);
      return lockCustomer(tx, row.id);
    });
  }

  async update(actor: Identity, customerId: string, raw: unknown): Promise<CustomerRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(updateInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const before = await lockCustomer(tx, customerId);
      const now = this.deps.now();
      const patch: Partial<CustomerRow> = {};
      for (const key of UPDATABLE) {
        const value = input[key];
        if (value !== undefined && value !== before[key]) Object.assign(patch, { [key]: value });
      }
      const changed = Object.keys(patch);
      if (changed.length === 0) return before;
      const becameChurned = patch.lifecycleStage === 'CHURNED';
      const leftChurned = before.lifecycleStage === 'CHURNED' && patch.lifecycleStage !== undefined && !becameChurned;
      if (becameChurned) patch.churnedAt = now;
      if (leftChurned) Object.assign(patch, { churnedAt: null, churnedFeatures: null });
      const row = await this.uniqueDomain(() =>
        tx
          .update(cs.customers)
          .set({ ...patch, updatedAt: now })
          .where(eq(cs.customers.id, customerId))
          .returning(),
      );
      await emit(tx, tenantId, 'customer.updated@1', { type: 'customer', id: row.id }, { ...eventFields(row), changed });
      if (patch.lifecycleStage) {
        await this.journey.record(tx, tenantId, row.id, {
          kind: 'LIFECYCLE_CHANGED',
          title: `Lifecycle stage changed from ${before.lifecycleStage} to ${row.lifecycleStage}`,
          detail: { from: before.lifecycleStage, to: row.lifecycleStage },
          occurredAt: now,
        });
      }
      if (patch.ownerUserId !== undefined) {
        await this.journey.record(tx, tenantId, row.id, {
          kind: 'OWNER_CHANGED',
          title: 'Owner CSM changed',
          detail: { from: before.ownerUserId, to: row.ownerUserId },
          occurredAt: now,
        });
      }
      if (becameChurned || leftChurned) await this.churn.onChurnLabelChanged(tx, tenantId, row.id);
      return lockCustomer(tx, row.id);
    });
  }

  /** Archiving keeps the history; active playbook runs of the customer are cancelled. */
  async archive(actor: Identity, customerId: string): Promise<CustomerRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const before = await lockCustomer(tx, customerId, { allowArchived: true });
      if (before.archivedAt) throw new InvalidStateError(`Customer ${customerId} is already archived`);
      const now = this.deps.now();
      const [row] = await tx.update(cs.customers).set({ archivedAt: now, updatedAt: now }).where(eq(cs.customers.id, customerId)).returning();
      await this.playbooks.cancelActiveRunsOf(tx, tenantId, customerId, 'customer archived');
      await emit(tx, tenantId, 'customer.archived@1', { type: 'customer', id: customerId }, { customerId });
      await this.journey.record(tx, tenantId, customerId, { kind: 'CUSTOMER_ARCHIVED', title: 'Customer archived', occurredAt: now });
      return row!;
    });
  }

  async get(actor: Identity, customerId: string): Promise<CustomerRow> {
    const row = await asActor(this.deps, actor, (tx) => findCustomer(tx, customerId));
    if (!row) throw new NotFoundError('Customer', customerId);
    return row;
  }

  private async uniqueDomain(write: () => Promise<CustomerRow[]>): Promise<CustomerRow> {
    try {
      const [row] = await write();
      return row!;
    } catch (err) {
      if (isUniqueViolation(err, DOMAIN_INDEX)) throw new ConflictError('Another customer already has this domain', 'input.domain');
      throw err;
    }
  }
}

/** The customer fields every customer.* event carries. */
function eventFields(row: CustomerRow) {
  return { customerId: row.id, name: row.name, domain: row.domain, segment: row.segment, lifecycleStage: row.lifecycleStage, ownerUserId: row.ownerUserId };
}

