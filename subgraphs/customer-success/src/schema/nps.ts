/** NpsResponse and the NPS report: score by segment over time, comment themes and sentiment. */
import { connectionCost, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import { type NpsBucket, npsCategory, type SentimentLabel, type ThemeSummary } from '../domain/index.js';
import type { NpsReportRange, NpsResponseRow } from '../services/nps.service.js';
import { CustomerRef } from './customer.js';
import { GranularityEnum, NpsCategoryEnum, SentimentEnum } from './enums.js';
import { connection } from './page-info.js';
import { readScopes, writeScopes } from './scopes.js';

const NpsResponseRef = builder.objectRef<NpsResponseRow>('NpsResponse').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    score: t.exposeInt('score', { description: '0–10.' }),
    category: t.field({ type: NpsCategoryEnum, resolve: (r) => npsCategory(r.score) }),
    comment: t.exposeString('comment', { nullable: true }),
    sentimentScore: t.exposeFloat('sentimentScore', { nullable: true, description: 'Comparative AFINN score of the comment (method: docs/customer-success-methods.md).' }),
    sentiment: t.field({ type: SentimentEnum, nullable: true, resolve: (r) => r.sentimentLabel as SentimentLabel | null }),
    themes: t.exposeStringList('themes'),
    respondent: t.exposeString('respondent', { nullable: true }),
    respondedAt: t.expose('respondedAt', { type: 'DateTime' }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.customer.load(r.customerId) }),
  }),
});
const NpsResponseConnection = connection('NpsResponseConnection', NpsResponseRef);

const NpsBucketRef = builder.objectRef<NpsBucket>('NpsBucket').implement({
  fields: (t) => ({
    segment: t.exposeString('segment', { description: 'A customer segment, or ALL.' }),
    period: t.exposeString('period', { description: 'e.g. 2025-03 (MONTH) or 2025-Q1 (QUARTER), UTC.' }),
    responses: t.exposeInt('responses'),
    promoters: t.exposeInt('promoters'),
    passives: t.exposeInt('passives'),
    detractors: t.exposeInt('detractors'),
    nps: t.exposeFloat('nps', { nullable: true, description: '% promoters − % detractors, −100 to 100; null without responses.' }),
  }),
});

const ThemeSummaryRef = builder.objectRef<ThemeSummary>('NpsTheme').implement({
  fields: (t) => ({
    theme: t.exposeString('theme'),
    mentions: t.exposeInt('mentions'),
    positive: t.exposeInt('positive'),
    neutral: t.exposeInt('neutral'),
    negative: t.exposeInt('negative'),
  }),
});

type Report = NpsReportRange & { responses: number; nps: number | null; buckets: NpsBucket[]; themes: ThemeSummary[] };

const NpsReportRef = builder.objectRef<Report>('NpsReport').implement({
  fields: (t) => ({
    granularity: t.field({ type: GranularityEnum, resolve: (r) => r.granularity }),
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    totalResponses: t.exposeInt('responses'),
    nps: t.exposeFloat('nps', { nullable: true, description: 'Over the whole window and every segment.' }),
    bySegment: t.field({ type: [NpsBucketRef], description: 'NPS per segment (and ALL) per period.', resolve: (r) => r.buckets }),
    themes: t.field({ type: [ThemeSummaryRef], description: 'Themes of the comments, most mentioned first.', resolve: (r) => r.themes }),
    responses: t.field({
      type: NpsResponseConnection,
      directives: connectionCost(),
      description: 'The responses in the window, newest first.',
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: (r, { first, after }, ctx) => ctx.services.nps.list(ctx.identity, { from: r.from, to: r.to }, { first, after }),
    }),
  }),
});

builder.objectFields(CustomerRef, (t) => ({
  npsResponses: t.field({
    type: NpsResponseConnection,
    directives: connectionCost(),
    description: 'Newest first.',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: (c, { first, after }, ctx) => ctx.loaders.npsResponses.load(c.id, { first, after }),
  }),
}));

builder.queryField('npsReport', (t) =>
  t.field({
    type: NpsReportRef,
    authScopes: readScopes,
    description: 'NPS between `from` and `to` (default: the last 12 months), by segment per month or quarter.',
    args: { granularity: t.arg({ type: GranularityEnum }), from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_r, { granularity, from, to }, ctx) => ctx.services.nps.report(ctx.identity, ctx.services.nps.range(granularity, from, to)),
  }),
);

const RecordNpsResponseInput = builder.inputType('RecordNpsResponseInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    score: t.int({ required: true, description: 'A whole number from 0 to 10.' }),
    comment: t.string(),
    respondent: t.string({ description: 'Who answered (name or email).' }),
    respondedAt: t.field({ type: 'DateTime', description: 'Defaults to now; not in the future.' }),
  }),
});

builder.mutationField('recordNpsResponse', (t) =>
  t.field({
    type: NpsResponseRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: RecordNpsResponseInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.nps.record(ctx.identity, input),
  }),
);
