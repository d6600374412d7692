/**
 * NPS: responses (0–10, optional comment analysed for sentiment and themes),
 * which feed the support factor of the health score, and the report: NPS by
 * segment over time and a summary of comment themes.
 */
import { afterCursor, type Identity, type PageArgs, pageRequest, parseInput, toPageBy, ValidationError } from '@platform/core';
import { customerSuccessTables as cs } from '@platform/db';
import { and, desc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import { analyseComment, type CommentAnalysis, npsBySegmentOverTime, npsScore, type SentimentLabel, summariseThemes } from '../domain/index.js';
import { lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, DAY_MS, requireTenant } from './deps.js';
import type { HealthService } from './health.service.js';
import type { JourneyService } from './journey.service.js';

export type NpsResponseRow = typeof cs.npsResponses.$inferSelect;
export type NpsGranularity = 'MONTH' | 'QUARTER';

const recordInput = z.object({
  customerId: z.string(),
  score: z.number().int('must be a whole number from 0 to 10').min(0, 'must be from 0 to 10').max(10, 'must be from 0 to 10'),
  comment: z.string().trim().max(5000).nullish(),
  respondent: z.string().trim().max(320).nullish(),
  respondedAt: z.date().nullish(),
});

/** The default report window: the last 12 months. */
export const DEFAULT_REPORT_DAYS = 365;
const MAX_REPORT_DAYS = 366 * 5;

export interface NpsReportRange {
  granularity: NpsGranularity;
  from: Date;
  to: Date;
}

export class NpsService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly health: HealthService,
    private readonly journey: JourneyService,
  ) {}

  async record(actor: Identity, raw: unknown): Promise<NpsResponseRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(recordInput, raw);
    const now = this.deps.now();
    const respondedAt = input.respondedAt ?? now;
    if (respondedAt.getTime() > now.getTime()) throw ValidationError.single('input.respondedAt', 'must not be in the future');
    const comment = input.comment || null;
    const analysis: CommentAnalysis | null = comment ? analyseComment(comment) : null;
    return asActor(this.deps, actor, async (tx) => {
      const customer = await lockCustomer(tx, input.customerId);
      const [row] = await tx
        .insert(cs.npsResponses)
        .values({
          tenantId,
          customerId: customer.id,
          score: input.score,
          comment,
          sentimentScore: analysis?.sentimentScore ?? null,
          sentimentLabel: analysis?.sentimentLabel ?? null,
          themes: analysis?.themes ?? [],
          respondent: input.respondent ?? null,
          respondedAt,
          createdAt: now,
        })
        .returning();
      await this.journey.record(tx, tenantId, customer.id, {
        kind: 'NPS_RESPONSE',
        title: `NPS response: ${input.score}/10${input.respondent ? ` from ${input.respondent}` : ''}`,
        relatedId: row!.id,
        detail: { score: input.score },
        occurredAt: respondedAt,
      });
      await this.health.recompute(tx, tenantId, customer.id, 'recordNpsResponse');
      return row!;
    });
  }

  /** Validates the report window; defaults to the last 12 months. */
  range(granularity: NpsGranularity | null | undefined, from: Date | null | undefined, to: Date | null | undefined): NpsReportRange {
    const end = to ?? this.deps.now();
    const start = from ?? new Date(end.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
    if (start.getTime() > end.getTime()) throw ValidationError.single('from', 'must not be after to');
    if (end.getTime() - start.getTime() > MAX_REPORT_DAYS * DAY_MS) throw ValidationError.single('from', 'the report covers at most five years');
    return { granularity: granularity ?? 'MONTH', from: start, to: end };
  }

  async report(actor: Identity, range: NpsReportRange) {
    const rows = await asActor(this.deps, actor, (tx) =>
      tx
        .select({
          score: cs.npsResponses.score,
          respondedAt: cs.npsResponses.respondedAt,
          segment: cs.customers.segment,
          sentimentScore: cs.npsResponses.sentimentScore,
          sentimentLabel: cs.npsResponses.sentimentLabel,
          themes: cs.npsResponses.themes,
        })
        .from(cs.npsResponses)
        .innerJoin(cs.customers, eq(cs.customers.id, cs.npsResponses.customerId))
        .where(and(gte(cs.npsResponses.respondedAt, range.from), lte(cs.npsResponses.respondedAt, range.to))),
    );
    const analysed = rows
      .filter((r) => r.sentimentLabel !== null)
      .map((r) => ({ sentimentScore: r.sentimentScore ?? 0, sentimentLabel: r.sentimentLabel as SentimentLabel, themes: r.themes }));
    return {
      ...range,
      responses: rows.length,
      nps: npsScore(rows.map((r) => r.score)),
      buckets: npsBySegmentOverTime(rows, range.granularity),
      themes: summariseThemes(analysed),
    };
  }

  /** The tenant's responses within a window, newest first (a customer's: loaders/customer-pages.ts). */
  async list(actor: Identity, scope: { from?: Date; to?: Date }, args: PageArgs) {
    const { size, cursor } = pageRequest(args);
    const n = cs.npsResponses;
    const rows = await asActor(this.deps, actor, (tx) =>
      tx
        .select()
        .from(n)
        .where(
          and(
            scope.from ? gte(n.respondedAt, scope.from) : undefined,
            scope.to ? lte(n.respondedAt, scope.to) : undefined,
            afterCursor(cursor, n.respondedAt, n.id, 'desc'),
          ),
        )
        .orderBy(desc(n.respondedAt), desc(n.id))
        .limit(size + 1),
    );
    return toPageBy(rows, size, (r) => r.respondedAt);
  }
}
