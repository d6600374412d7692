/** Headline KPIs (`kpis`) of a range against the one before it. Method: docs/analytics/trends-and-kpis.md, "KPIs". */
import { builder } from '../builder.js';
import type { KPI_KEYS, Kpi, KpiReport } from '../services/kpi.service.js';
import { DateRangeInput, DateRangeRef } from './common.js';
import { readScopes } from './scopes.js';

export type { Kpi, KpiReport };

export const KpiKeyEnum = builder.enumType('KpiKey', {
  values: {
    ACTIVE_USERS: { description: 'Distinct users with any event in the range.' },
    AVERAGE_DAU: { description: 'Daily active users summed over the UTC days the range touches, divided by that number of days (days without events count as 0).' },
    MONTHLY_ACTIVE_USERS: { description: 'Distinct users with an event in the 30 days ending at the range’s end.' },
    EVENTS: { description: 'Events in the range.' },
    API_CALLS: { description: 'Events named by the tenant’s `apiCallEvent` setting.' },
    ACTIVE_CUSTOMERS: { description: 'Distinct customers (events’ customerId) with an event in the range.' },
    REVENUE: { description: 'Amount paid on invoices paid in the range, in `currency`, in minor units (from billing’s invoice.paid events).' },
    PAYING_CUSTOMERS: { description: 'Distinct customers with an invoice paid in the range, in `currency`.' },
  } as const satisfies Record<(typeof KPI_KEYS)[number], { description: string }>,
});

export const KpiInput = builder.inputType('KpiInput', {
  fields: (t) => ({
    range: t.field({ type: DateRangeInput, required: true }),
    currency: t.string({ defaultValue: 'USD', description: 'ISO 4217 code of REVENUE and PAYING_CUSTOMERS.' }),
  }),
});

export const KpiRef = builder.objectRef<Kpi>('Kpi').implement({
  fields: (t) => ({
    key: t.field({ type: KpiKeyEnum, resolve: (k) => k.key }),
    label: t.exposeString('label'),
    value: t.exposeFloat('value', { description: 'In the range.' }),
    previousValue: t.exposeFloat('previousValue', { description: 'In the previous range.' }),
    change: t.exposeFloat('change', { nullable: true, description: '(value − previousValue) ÷ previousValue, as a ratio (0.25 = +25 %); null when previousValue is 0.' }),
  }),
});

export const KpiReportRef = builder.objectRef<KpiReport>('KpiReport').implement({
  fields: (t) => ({
    range: t.field({ type: DateRangeRef, resolve: (r) => r.range }),
    previousRange: t.field({ type: DateRangeRef, description: 'The range of the same length ending where `range` starts.', resolve: (r) => r.previousRange }),
    currency: t.exposeString('currency'),
    kpis: t.field({ type: [KpiRef], description: 'In KpiKey order.', resolve: (r) => r.kpis }),
  }),
});

builder.queryField('kpis', (t) =>
  t.field({
    type: KpiReportRef,
    authScopes: readScopes,
    // The union is named after the type (the default would be the field's name).
    errors: { union: { name: 'KpiReportResult' } },
    description: 'Headline KPIs of a range, each with its value over the previous range of the same length.',
    args: { input: t.arg({ type: KpiInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.kpis.run(ctx.identity, input),
  }),
);
