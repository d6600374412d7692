/** GraphQL input pieces every analytics query shares (validated by services/query-inputs.ts). */
import { builder } from '../builder.js';
import { INTERVALS, PROPERTY_OPERATORS } from '../services/query-inputs.js';

export const PropertyOperatorEnum = builder.enumType('PropertyOperator', {
  description: 'How a property filter compares `properties[key]` with `value`. GT/GTE/LT/LTE match JSON numbers only; CONTAINS is case-insensitive.',
  values: PROPERTY_OPERATORS,
});

export const TimeIntervalEnum = builder.enumType('TimeInterval', {
  description: 'A bucket of time, in UTC. WEEK starts on Monday.',
  values: INTERVALS,
});

export const DateRangeInput = builder.inputType('DateRangeInput', {
  description: 'A half-open range [from, to) of at most 400 days.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true }),
  }),
});

export const PropertyFilterInput = builder.inputType('PropertyFilterInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'A key of the event’s properties.' }),
    operator: t.field({ type: PropertyOperatorEnum, required: true }),
    value: t.string({ description: 'Required except with IS_SET / IS_NOT_SET; a number for GT/GTE/LT/LTE.' }),
  }),
});

export const DateRangeRef = builder.objectRef<{ from: Date; to: Date }>('DateRange').implement({
  fields: (t) => ({ from: t.expose('from', { type: 'DateTime' }), to: t.expose('to', { type: 'DateTime' }) }),
});
