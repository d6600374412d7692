/**
 * The catalogue: meters, plans and their prices. A price is immutable once a
 * subscription has used it (`used_at` is set): to charge a different amount,
 * create a new price and move subscriptions to it, which prorates.
 */
import { ConflictError, type Identity, InvalidStateError, NotFoundError, ValidationError } from '@platform/core';
import { billingTables as b, isUniqueViolation, isUuid, type Tx } from '@platform/db';
import { asc, eq } from 'drizzle-orm';
import { assertIntervalCount, type BillingInterval } from '../domain/intervals.js';
import { assertCurrency } from '../domain/money.js';
import type { MeterAggregation, PriceModel, Tier } from '../domain/pricing.js';
import { validatePriceTerms } from '../domain/pricing.js';
import { asActor, type BillingDeps, requireTenant } from './deps.js';

export type MeterRow = typeof b.meters.$inferSelect;
export type PlanRow = typeof b.plans.$inferSelect;
export type PriceRow = typeof b.prices.$inferSelect;

export interface CreatePriceInput {
  planId: string;
  currency: string;
  model: PriceModel;
  unitAmountMinor?: number | null;
  tiers?: Tier[] | null;
  meterId?: string | null;
  interval: BillingInterval;
  intervalCount?: number | null;
  trialDays?: number | null;
  nickname?: string | null;
}

export type UpdatePriceInput = Partial<Omit<CreatePriceInput, 'planId'>> & { active?: boolean | null };

export async function findPrice(tx: Tx, id: string): Promise<PriceRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await tx.select().from(b.prices).where(eq(b.prices.id, id));
  return row ?? null;
}

export class CatalogService {
  constructor(private readonly deps: BillingDeps) {}

  createMeter(actor: Identity, input: { eventName: string; displayName: string; aggregation: MeterAggregation }): Promise<MeterRow> {
    const tenantId = requireTenant(actor);
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(input.eventName)) {
      throw ValidationError.single('eventName', 'must start with a lower-case letter and use only a-z, 0-9, _ . - (at most 64)');
    }
    const displayName = text('displayName', input.displayName, 120);
    return asActor(this.deps, actor, async (tx) => {
      try {
        const [row] = await tx.insert(b.meters).values({ tenantId, eventName: input.eventName, displayName, aggregation: input.aggregation }).returning();
        return row!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`A meter for "${input.eventName}" already exists`, 'eventName');
        throw err;
      }
    });
  }

  meters(actor: Identity): Promise<MeterRow[]> {
    return asActor(this.deps, actor, (tx) => tx.select().from(b.meters).orderBy(asc(b.meters.createdAt), asc(b.meters.id)));
  }

  createPlan(actor: Identity, input: { name: string; description?: string | null }): Promise<PlanRow> {
    const tenantId = requireTenant(actor);
    const name = text('name', input.name, 120);
    const description = input.description == null ? null : text('description', input.description, 2000);
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx.insert(b.plans).values({ tenantId, name, description }).returning();
      return row!;
    });
  }

  updatePlan(actor: Identity, id: string, input: { name?: string | null; description?: string | null; active?: boolean | null }): Promise<PlanRow> {
    const set: Partial<PlanRow> = {};
    if (input.name != null) set.name = text('name', input.name, 120);
    if (input.description !== undefined) set.description = input.description == null ? null : text('description', input.description, 2000);
    if (input.active != null) set.active = input.active;
    return asActor(this.deps, actor, async (tx) => {
      if (!isUuid(id)) throw new NotFoundError('Plan', id);
      const [row] = await tx.update(b.plans).set(set).where(eq(b.plans.id, id)).returning();
      if (!row) throw new NotFoundError('Plan', id);
      return row;
    });
  }

  plans(actor: Identity, includeInactive: boolean): Promise<PlanRow[]> {
    return asActor(this.deps, actor, (tx) =>
      tx
        .select()
        .from(b.plans)
        .where(includeInactive ? undefined : eq(b.plans.active, true))
        .orderBy(asc(b.plans.createdAt), asc(b.plans.id)),
    );
  }

  createPrice(actor: Identity, input: CreatePriceInput): Promise<PriceRow> {
    const tenantId = requireTenant(actor);
    const values = validatePrice(input);
    return asActor(this.deps, actor, async (tx) => {
      const [plan] = isUuid(input.planId) ? await tx.select().from(b.plans).where(eq(b.plans.id, input.planId)) : [];
      if (!plan) throw new NotFoundError('Plan', input.planId);
      await this.checkMeter(tx, values.meterId);
      const [row] = await tx
        .insert(b.prices)
        .values({ tenantId, planId: plan.id, ...values })
        .returning();
      return row!;
    });
  }

  /** Edits a price nobody has subscribed to yet; `active` (offer it to new subscriptions or not) can always change. */
  updatePrice(actor: Identity, id: string, input: UpdatePriceInput): Promise<PriceRow> {
    return asActor(this.deps, actor, async (tx) => {
      const [current] = isUuid(id) ? await tx.select().from(b.prices).where(eq(b.prices.id, id)).for('update') : [];
      if (!current) throw new NotFoundError('Price', id);
      const { active, ...terms } = input;
      const changesTerms = Object.values(terms).some((v) => v !== undefined);
      if (changesTerms && current.usedAt) {
        throw new InvalidStateError('This price has been used by a subscription and cannot change; create a new price and move subscriptions to it');
      }
      const merged = changesTerms
        ? validatePrice({
            planId: current.planId,
            currency: terms.currency ?? current.currency,
            model: terms.model ?? (current.model as PriceModel),
            unitAmountMinor: terms.unitAmountMinor !== undefined ? terms.unitAmountMinor : current.unitAmountMinor,
            tiers: terms.tiers !== undefined ? terms.tiers : (current.tiers as Tier[] | null),
            meterId: terms.meterId !== undefined ? terms.meterId : current.meterId,
            interval: terms.interval ?? (current.interval as BillingInterval),
            intervalCount: terms.intervalCount ?? current.intervalCount,
            trialDays: terms.trialDays !== undefined ? terms.trialDays : current.trialDays,
            nickname: terms.nickname !== undefined ? terms.nickname : current.nickname,
          })
        : {};
      if (changesTerms) await this.checkMeter(tx, (merged as { meterId: string | null }).meterId);
      const [row] = await tx
        .update(b.prices)
        .set({ ...merged, ...(active != null ? { active } : {}) })
        .where(eq(b.prices.id, id))
        .returning();
      return row!;
    });
  }

  private async checkMeter(tx: Tx, meterId: string | null): Promise<void> {
    if (!meterId) return;
    const [meter] = isUuid(meterId) ? await tx.select({ id: b.meters.id }).from(b.meters).where(eq(b.meters.id, meterId)) : [];
    if (!meter) throw new NotFoundError('Meter', meterId);
  }
}

function validatePrice(input: CreatePriceInput) {
  const terms = validatePriceTerms({ model: input.model, unitAmountMinor: input.unitAmountMinor ?? null, tiers: input.tiers ?? null, meterId: input.meterId ?? null });
  const intervalCount = input.intervalCount ?? 1;
  assertIntervalCount(input.interval, intervalCount);
  if (input.trialDays != null && (!Number.isInteger(input.trialDays) || input.trialDays < 0 || input.trialDays > 730)) {
    throw ValidationError.single('trialDays', 'must be a whole number of days between 0 and 730');
  }
  return {
    currency: assertCurrency(input.currency),
    model: terms.model,
    unitAmountMinor: terms.unitAmountMinor,
    tiers: terms.tiers,
    meterId: input.meterId ?? null,
    interval: input.interval,
    intervalCount,
    trialDays: input.trialDays ?? null,
    nickname: input.nickname == null ? null : text('nickname', input.nickname, 120),
  };
}

function text(path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw ValidationError.single(path, `must be 1–${max} characters`);
  return trimmed;
}
