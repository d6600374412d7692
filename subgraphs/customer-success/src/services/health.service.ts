/**
 * Health scores. A score is recomputed when one of its inputs changes (a
 * mutation here or a consumed event), never on a timer: load the inputs,
 * compute with the tenant's weights, and when the score is new or different
 * store a history row, update the customer, record `health_score.changed@1`.
 * Churn risk follows every recomputation, and a customer entering the red band
 * starts the churn-prevention playbook when the tenant allows it.
 */
import { type Identity, parseInput } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, eq, gte, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
  computeHealthScore,
  DEFAULT_HEALTH_WEIGHTS,
  entersRed,
  type FactorName,
  type HealthComputation,
  type HealthInputs,
  type HealthWeights,
  validateHealthWeights,
} from '../domain/index.js';
import { emit } from '../events/emit.js';
import type { ChurnService } from './churn.service.js';
import { type CustomerRow, lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, daysAgo, requireTenant } from './deps.js';
import type { JourneyService } from './journey.service.js';
import type { PlaybookService } from './playbook.service.js';

export type HealthScoreRow = typeof cs.healthScores.$inferSelect;
export type HealthSettingsRow = typeof cs.healthSettings.$inferSelect;

/** Input windows (docs/customer-success-methods.md): tickets 90 days, NPS and payments 180 days. */
export const TICKET_WINDOW_DAYS = 90;
export const NPS_WINDOW_DAYS = 180;
export const PAYMENT_WINDOW_DAYS = 180;

export interface HealthSettings {
  weights: HealthWeights;
  autoTriggerPlaybookOnRed: boolean;
  isDefault: boolean;
  updatedAt: Date | null;
}

const weightsInput = z.object({
  usage: z.number(),
  engagement: z.number(),
  support: z.number(),
  financial: z.number(),
});

export class HealthService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly churn: ChurnService,
    private readonly playbooks: PlaybookService,
    private readonly journey: JourneyService,
  ) {}

  /**
   * Recomputes one customer's health (inside the caller's transaction) and
   * everything that follows from it. `cause` names the event type or mutation.
   */
  async recompute(tx: Tx, tenantId: string, customerId: string, cause: string): Promise<void> {
    const customer = await lockCustomer(tx, customerId);
    const settings = await this.settingsOf(tx, tenantId);
    await this.recomputeLocked(tx, tenantId, customer, settings, cause);
  }

  async settings(actor: Identity): Promise<HealthSettings> {
    return asActor(this.deps, actor, (tx) => this.settingsOf(tx, requireTenant(actor)));
  }

  /** New weights apply to every active customer at once, in the same transaction. */
  async updateWeights(actor: Identity, raw: unknown): Promise<HealthSettings> {
    const tenantId = requireTenant(actor);
    const weights = parseInput(weightsInput, raw, 'weights') as HealthWeights;
    validateHealthWeights(weights);
    return asActor(this.deps, actor, async (tx) => {
      const now = this.deps.now();
      await tx
        .insert(cs.healthSettings)
        .values({ tenantId, weights, updatedByUserId: actor.userId, updatedAt: now })
        .onConflictDoUpdate({ target: cs.healthSettings.tenantId, set: { weights, updatedByUserId: actor.userId, updatedAt: now } });
      const settings = await this.settingsOf(tx, tenantId);
      const customers = await tx
        .select()
        .from(cs.customers)
        .where(isNull(cs.customers.archivedAt))
        .orderBy(cs.customers.createdAt, cs.customers.id)
        .for('update');
      for (const customer of customers) await this.recomputeLocked(tx, tenantId, customer, settings, 'updateHealthWeights');
      return settings;
    });
  }

  async setAutoTrigger(actor: Identity, enabled: boolean): Promise<HealthSettings> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      const now = this.deps.now();
      await tx
        .insert(cs.healthSettings)
        .values({ tenantId, weights: DEFAULT_HEALTH_WEIGHTS, autoTriggerPlaybookOnRed: enabled, updatedByUserId: actor.userId, updatedAt: now })
        .onConflictDoUpdate({ target: cs.healthSettings.tenantId, set: { autoTriggerPlaybookOnRed: enabled, updatedByUserId: actor.userId, updatedAt: now } });
      return this.settingsOf(tx, tenantId);
    });
  }

  async settingsOf(tx: Tx, tenantId: string): Promise<HealthSettings> {
    const [row] = await tx.select().from(cs.healthSettings).where(eq(cs.healthSettings.tenantId, tenantId));
    if (!row) return { weights: { ...DEFAULT_HEALTH_WEIGHTS }, autoTriggerPlaybookOnRed: true, isDefault: true, updatedAt: null };
    const weights = row.weights as HealthWeights;
    const isDefault = (Object.keys(DEFAULT_HEALTH_WEIGHTS) as FactorName[]).every((k) => weights[k] === DEFAULT_HEALTH_WEIGHTS[k]);
    return { weights, autoTriggerPlaybookOnRed: row.autoTriggerPlaybookOnRed, isDefault, updatedAt: row.updatedAt };
  }

  /** What the score is computed from, with the documented windows. */
  async inputsOf(tx: Tx, customerId: string, now: Date): Promise<HealthInputs> {
    const [usage] = await tx.select().from(cs.usageSnapshots).where(eq(cs.usageSnapshots.customerId, customerId));
    const tickets = await tx
      .select()
      .from(cs.supportTickets)
      .where(and(eq(cs.supportTickets.customerId, customerId), gte(cs.supportTickets.openedAt, daysAgo(now, TICKET_WINDOW_DAYS))));
    const nps = await tx
      .select({ score: cs.npsResponses.score, respondedAt: cs.npsResponses.respondedAt })
      .from(cs.npsResponses)
      .where(and(eq(cs.npsResponses.customerId, customerId), gte(cs.npsResponses.respondedAt, daysAgo(now, NPS_WINDOW_DAYS))));
    const payments = await tx
      .select()
      .from(cs.paymentEvents)
      .where(and(eq(cs.paymentEvents.customerId, customerId), gte(cs.paymentEvents.occurredAt, daysAgo(now, PAYMENT_WINDOW_DAYS))));
    return {
      usage: usage
        ? {
            periodStart: usage.periodStart,
            periodEnd: usage.periodEnd,
            dailyActiveUsers: usage.dailyActiveUsers,
            weeklyActiveUsers: usage.weeklyActiveUsers,
            monthlyActiveUsers: usage.monthlyActiveUsers,
            licensedSeats: usage.licensedSeats,
            eventCount: usage.eventCount,
            sessionCount: usage.sessionCount,
            featuresUsed: usage.featuresUsed.length,
            featuresAvailable: usage.featuresAvailable,
            lastActivityAt: usage.lastActivityAt,
          }
        : null,
      tickets: tickets.map((t) => ({
        priority: t.priority as HealthInputs['tickets'][number]['priority'],
        status: t.status as 'OPEN' | 'RESOLVED',
        openedAt: t.openedAt,
        resolvedAt: t.resolvedAt,
      })),
      nps,
      payments: payments.map((p) => ({ kind: p.kind as 'FAILED' | 'PAID', at: p.occurredAt, amountMinor: p.amountMinor, daysLate: p.daysLate })),
    };
  }

  private async recomputeLocked(tx: Tx, tenantId: string, customer: CustomerRow, settings: HealthSettings, cause: string): Promise<void> {
    const now = this.deps.now();
    const inputs = await this.inputsOf(tx, customer.id, now);
    const computation = computeHealthScore(inputs, settings.weights, customer.healthScore, now);
    const previousBand = customer.healthBand as HealthComputation['band'];
    let current = customer;
    if (computation.score !== null && computation.band !== null && computation.score !== customer.healthScore) {
      current = await this.store(tx, tenantId, customer, computation, settings.weights, cause, now);
    }
    await this.churn.recompute(tx, tenantId, current, computation);
    if (computation.band !== null && computation.score !== customer.healthScore && entersRed(previousBand, computation.band) && settings.autoTriggerPlaybookOnRed) {
      await this.playbooks.triggerChurnPrevention(tx, tenantId, current);
    }
  }

  private async store(
    tx: Tx,
    tenantId: string,
    customer: CustomerRow,
    computation: HealthComputation,
    weights: HealthWeights,
    cause: string,
    now: Date,
  ): Promise<CustomerRow> {
    const score = computation.score!;
    const band = computation.band!;
    const [row] = await tx
      .insert(cs.healthScores)
      .values({
        tenantId,
        customerId: customer.id,
        score,
        band,
        trend: computation.trend,
        previousScore: customer.healthScore,
        previousBand: customer.healthBand,
        factors: computation.factors,
        riskFactors: computation.riskFactors,
        recommendations: computation.recommendations,
        weights,
        cause,
        computedAt: now,
      })
      .returning();
    const [updated] = await tx
      .update(cs.customers)
      .set({ healthScoreId: row!.id, healthScore: score, healthBand: band, healthTrend: computation.trend, healthComputedAt: now })
      .where(eq(cs.customers.id, customer.id))
      .returning();
    const factor = (name: FactorName) => computation.factors.find((f) => f.name === name)?.score ?? null;
    await emit(tx, tenantId, 'health_score.changed@1', { type: 'customer', id: customer.id }, {
      customerId: customer.id,
      healthScoreId: row!.id,
      score,
      band,
      previousScore: customer.healthScore,
      previousBand: customer.healthBand as HealthComputation['band'],
      trend: computation.trend,
      factors: { usage: factor('usage'), engagement: factor('engagement'), support: factor('support'), financial: factor('financial') },
      cause,
      computedAt: now.toISOString(),
    });
    if (band !== customer.healthBand) {
      await this.journey.record(tx, tenantId, customer.id, {
        kind: 'HEALTH_BAND_CHANGED',
        title: customer.healthBand ? `Health moved from ${customer.healthBand} to ${band} (score ${score})` : `First health score: ${score} (${band})`,
        relatedId: row!.id,
        detail: { from: customer.healthBand, to: band, score },
        occurredAt: now,
      });
    }
    return updated!;
  }
}
