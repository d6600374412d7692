/**
 * Input pieces every analytics query shares, as zod schemas: the GraphQL
 * resolvers and saved dashboard widgets (which store the same input as JSON,
 * dates as ISO strings) both go through them, so a widget can never hold a
 * query the API would refuse.
 */
import { z } from 'zod';

/** The longest range any query scans: a bound on the cost of one request. */
export const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

export const eventName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const PROPERTY_OPERATORS = ['EQUALS', 'NOT_EQUALS', 'CONTAINS', 'NOT_CONTAINS', 'GT', 'GTE', 'LT', 'LTE', 'IS_SET', 'IS_NOT_SET'] as const;
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];
export const NUMERIC_OPERATORS: readonly PropertyOperator[] = ['GT', 'GTE', 'LT', 'LTE'];

/** A condition on one event property (`properties->>key`); numeric operators compare JSON numbers only. */
export const propertyFilter = z
  .object({
    key: z.string().min(1, 'must not be empty').max(200),
    operator: z.enum(PROPERTY_OPERATORS),
    value: z.string().max(1000).nullish(),
  })
  .superRefine((f, ctx) => {
    const needsValue = f.operator !== 'IS_SET' && f.operator !== 'IS_NOT_SET';
    if (needsValue && (f.value === null || f.value === undefined)) ctx.addIssue({ code: 'custom', path: ['value'], message: `is required with ${f.operator}` });
    if (NUMERIC_OPERATORS.includes(f.operator) && f.value != null && !Number.isFinite(Number(f.value)))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number with ${f.operator}` });
  });
export type PropertyFilter = z.infer<typeof propertyFilter>;

export const propertyFilters = z.array(propertyFilter).max(20, 'at most 20 filters').default([]);

/** A half-open UTC range [from, to). */
export const dateRange = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .superRefine((r, ctx) => {
    if (Number.isNaN(r.from.getTime()) || Number.isNaN(r.to.getTime())) return;
    if (r.to <= r.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (r.to.getTime() - r.from.getTime() > MAX_RANGE_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
  });
export type DateRange = z.infer<typeof dateRange>;

export const INTERVALS = ['HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type Interval = (typeof INTERVALS)[number];
export const interval = z.enum(INTERVALS);
