/**
 * Churn risk. Features come from the latest health computation plus tenure,
 * open tickets and recent payment failures (missing health figures imputed as
 * the domain module documents). The tenant's model is a logistic regression
 * trained on its own history — customers that reached CHURNED (their features
 * frozen at that moment) against customers retained for at least 90 days — and
 * retrained whenever a customer's churn label changes or on request. Without
 * enough history the prediction is the documented rule-based estimate.
 */
import type { Identity } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lte, ne } from 'drizzle-orm';
import {
  type ChurnFeatureVector,
  type ChurnModel,
  type ChurnPrediction,
  type ChurnTrainingSample,
  churnFeatureVector,
  type FactorResult,
  type HealthComputation,
  predictChurn,
  trainChurnModel,
} from '../domain/index.js';
import { emit } from '../events/emit.js';
import type { CustomerRow } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, DAY_MS, daysAgo, requireTenant } from './deps.js';

export type ChurnPredictionRow = typeof cs.churnPredictions.$inferSelect;

/** A customer counts as retained for training once it has been a customer this long without churning. */
export const RETAINED_AFTER_DAYS = 90;
export const PAYMENT_FAILURE_WINDOW_DAYS = 90;
export const SCORE_TREND_WINDOW_DAYS = 90;

export interface ChurnModelView {
  model: ChurnModel | null;
  samples: number;
  churned: number;
  retained: number;
  trainedAt: Date | null;
}

type HealthSnapshot = Pick<HealthComputation, 'score' | 'factors'>;

export class ChurnService {
  constructor(private readonly deps: CustomerSuccessDeps) {}

  async modelOf(actor: Identity): Promise<ChurnModelView> {
    return asActor(this.deps, actor, (tx) => this.modelView(tx, requireTenant(actor)));
  }

  async retrainFor(actor: Identity): Promise<ChurnModelView> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      await this.retrain(tx, tenantId);
      return this.modelView(tx, tenantId);
    });
  }

  /**
   * A customer became CHURNED (freeze its features as a training sample) or
   * left CHURNED (its sample was already cleared); either way the history
   * changed, so the model is retrained.
   */
  async onChurnLabelChanged(tx: Tx, tenantId: string, customerId: string): Promise<void> {
    const [customer] = await tx.select().from(cs.customers).where(eq(cs.customers.id, customerId));
    if (customer?.lifecycleStage === 'CHURNED') {
      const features = (await this.featuresOf(tx, [customer])).get(customer.id)!;
      await tx.update(cs.customers).set({ churnedFeatures: features, churnedAt: customer.churnedAt ?? this.deps.now() }).where(eq(cs.customers.id, customerId));
    }
    await this.retrain(tx, tenantId);
  }

  /** Trains on the tenant's history, stores the result and re-predicts every active customer with it. */
  async retrain(tx: Tx, tenantId: string): Promise<ChurnModel | null> {
    const now = this.deps.now();
    const samples = await this.trainingSamples(tx, now);
    const model = trainChurnModel(samples, now);
    const churned = samples.filter((s) => s.churned).length;
    const row = { model, samples: samples.length, churned, retained: samples.length - churned, trainedAt: now };
    await tx.insert(cs.churnModels).values({ tenantId, ...row }).onConflictDoUpdate({ target: cs.churnModels.tenantId, set: row });
    const active = await tx
      .select()
      .from(cs.customers)
      .where(and(isNull(cs.customers.archivedAt), ne(cs.customers.lifecycleStage, 'CHURNED'), isNotNull(cs.customers.healthScore)))
      .orderBy(cs.customers.createdAt, cs.customers.id);
    const features = await this.featuresOf(tx, active);
    for (const customer of active) await this.predictAndStore(tx, tenantId, customer, model, features.get(customer.id)!, now);
    return model;
  }

  /**
   * Re-estimates one customer after its health was recomputed (`health` is the
   * fresh computation, even when the score itself did not change). There is no
   * estimate before there is data to score health from (it would be all
   * imputation), and none for customers already CHURNED or archived.
   */
  async recompute(tx: Tx, tenantId: string, customer: CustomerRow, health: HealthSnapshot): Promise<void> {
    if (!estimable(customer) || health.score === null) return;
    const now = this.deps.now();
    const [stored] = await tx.select({ model: cs.churnModels.model }).from(cs.churnModels).where(eq(cs.churnModels.tenantId, tenantId));
    const facts = await this.factsOf(tx, [customer], now);
    const features = churnFeatureVector(health, facts.get(customer.id)!);
    await this.predictAndStore(tx, tenantId, customer, (stored?.model as ChurnModel | null) ?? null, features, now);
  }

  /** Feature vectors from each customer's latest stored health computation. */
  async featuresOf(tx: Tx, customers: CustomerRow[]): Promise<Map<string, ChurnFeatureVector>> {
    const now = this.deps.now();
    const healthIds = customers.map((c) => c.healthScoreId).filter((id): id is string => id !== null);
    const health = new Map<string, FactorResult[]>();
    if (healthIds.length > 0) {
      const rows = await tx.select({ id: cs.healthScores.id, factors: cs.healthScores.factors }).from(cs.healthScores).where(inArray(cs.healthScores.id, healthIds));
      for (const r of rows) health.set(r.id, r.factors as FactorResult[]);
    }
    const facts = await this.factsOf(tx, customers, now);
    return new Map(
      customers.map((c) => [
        c.id,
        churnFeatureVector({ score: c.healthScore, factors: (c.healthScoreId && health.get(c.healthScoreId)) || [] }, facts.get(c.id)!),
      ]),
    );
  }

  private async modelView(tx: Tx, tenantId: string): Promise<ChurnModelView> {
    const [row] = await tx.select().from(cs.churnModels).where(eq(cs.churnModels.tenantId, tenantId));
    if (!row) return { model: null, samples: 0, churned: 0, retained: 0, trainedAt: null };
    return { model: (row.model as ChurnModel | null) ?? null, samples: row.samples, churned: row.churned, retained: row.retained, trainedAt: row.trainedAt };
  }

  /** In a fixed order, so the same history always trains the same model (floating-point sums depend on order). */
  private async trainingSamples(tx: Tx, now: Date): Promise<ChurnTrainingSample[]> {
    const churned = await tx
      .select({ features: cs.customers.churnedFeatures })
      .from(cs.customers)
      .where(and(eq(cs.customers.lifecycleStage, 'CHURNED'), isNotNull(cs.customers.churnedFeatures)))
      .orderBy(cs.customers.createdAt, cs.customers.id);
    const retained = await tx
      .select()
      .from(cs.customers)
      .where(and(ne(cs.customers.lifecycleStage, 'CHURNED'), isNull(cs.customers.archivedAt), lte(cs.customers.createdAt, daysAgo(now, RETAINED_AFTER_DAYS))))
      .orderBy(cs.customers.createdAt, cs.customers.id);
    const retainedFeatures = await this.featuresOf(tx, retained);
    return [
      ...churned.map((c) => ({ features: c.features as ChurnFeatureVector, churned: true })),
      ...retained.map((c) => ({ features: retainedFeatures.get(c.id)!, churned: false })),
    ];
  }

  /** Tenure, open tickets and payment failures of the last 90 days, for many customers in three queries. */
  private async factsOf(tx: Tx, customers: CustomerRow[], now: Date) {
    const ids = customers.map((c) => c.id);
    const open = new Map<string, number>();
    const failures = new Map<string, number>();
    if (ids.length > 0) {
      const tickets = await tx
        .select({ customerId: cs.supportTickets.customerId, n: count() })
        .from(cs.supportTickets)
        .where(and(inArray(cs.supportTickets.customerId, ids), eq(cs.supportTickets.status, 'OPEN')))
        .groupBy(cs.supportTickets.customerId);
      for (const t of tickets) open.set(t.customerId, t.n);
      const failed = await tx
        .select({ customerId: cs.paymentEvents.customerId, n: count() })
        .from(cs.paymentEvents)
        .where(
          and(
            inArray(cs.paymentEvents.customerId, ids),
            eq(cs.paymentEvents.kind, 'FAILED'),
            gte(cs.paymentEvents.occurredAt, daysAgo(now, PAYMENT_FAILURE_WINDOW_DAYS)),
          ),
        )
        .groupBy(cs.paymentEvents.customerId);
      for (const f of failed) failures.set(f.customerId, f.n);
    }
    return new Map(
      customers.map((c) => [
        c.id,
        {
          tenureDays: Math.max(0, Math.floor(((c.churnedAt ?? now).getTime() - c.createdAt.getTime()) / DAY_MS)),
          openTickets: open.get(c.id) ?? 0,
          paymentFailures90d: failures.get(c.id) ?? 0,
        },
      ]),
    );
  }

  private async predictAndStore(tx: Tx, tenantId: string, customer: CustomerRow, model: ChurnModel | null, features: ChurnFeatureVector, now: Date): Promise<void> {
    const recent = await tx
      .select({ score: cs.healthScores.score, at: cs.healthScores.computedAt })
      .from(cs.healthScores)
      .where(and(eq(cs.healthScores.customerId, customer.id), gte(cs.healthScores.computedAt, daysAgo(now, SCORE_TREND_WINDOW_DAYS))))
      .orderBy(desc(cs.healthScores.computedAt))
      .limit(200);
    const prediction = predictChurn(model, features, recent, now);
    if (!changed(customer, prediction)) return;
    const [row] = await tx
      .insert(cs.churnPredictions)
      .values({
        tenantId,
        customerId: customer.id,
        probability: prediction.probability,
        level: prediction.level,
        previousLevel: customer.churnLevel,
        method: prediction.method,
        contributions: prediction.contributions,
        features,
        predictedChurnDate: prediction.predictedChurnDate,
        modelTrainedAt: model ? new Date(model.trainedAt) : null,
        computedAt: now,
      })
      .returning();
    await tx
      .update(cs.customers)
      .set({ churnRiskId: row!.id, churnProbability: prediction.probability, churnLevel: prediction.level, churnMethod: prediction.method })
      .where(eq(cs.customers.id, customer.id));
    await emit(tx, tenantId, 'churn_risk.changed@1', { type: 'customer', id: customer.id }, {
      customerId: customer.id,
      churnRiskId: row!.id,
      probability: prediction.probability,
      level: prediction.level,
      previousLevel: customer.churnLevel as ChurnPrediction['level'] | null,
      method: prediction.method,
      predictedChurnDate: prediction.predictedChurnDate?.toISOString() ?? null,
      computedAt: now.toISOString(),
    });
  }
}

function estimable(customer: CustomerRow): boolean {
  return customer.archivedAt === null && customer.lifecycleStage !== 'CHURNED';
}

/**
 * A change worth recording: a first estimate, another level, a probability
 * that differs at two decimals, or another method (the model took over from
 * the rules, or the rules came back).
 */
function changed(customer: CustomerRow, prediction: ChurnPrediction): boolean {
  if (customer.churnProbability === null || customer.churnLevel === null) return true;
  if (customer.churnLevel !== prediction.level || customer.churnMethod !== prediction.method) return true;
  return Math.round(customer.churnProbability * 100) !== Math.round(prediction.probability * 100);
}
