/** Meters, plans and prices. */
import { ConflictError, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { Tier } from '../domain/pricing.js';
import type { MeterRow, PlanRow, PriceRow } from '../services/catalog.service.js';
import { BillingIntervalEnum, MeterAggregationEnum, PriceModelEnum } from './enums.js';
import { MinorAmount } from './scalars.js';
import { readScopes, settingsScopes } from './scopes.js';

export const MeterRef = builder.objectRef<MeterRow>('Meter').implement({
  description: 'What metered prices charge for: usage events carrying `eventName`, aggregated per period.',
  fields: (t) => ({
    id: t.exposeID('id'),
    eventName: t.exposeString('eventName'),
    displayName: t.exposeString('displayName'),
    aggregation: t.field({ type: MeterAggregationEnum, resolve: (m) => m.aggregation as 'SUM' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const TierRef = builder.objectRef<Tier>('PriceTier').implement({
  description: 'A tier of a GRADUATED price: units up to `upTo` (inclusive; null = no limit) cost `unitAmount` each, plus `flatAmount` once when any unit falls in the tier.',
  fields: (t) => ({
    upTo: t.exposeInt('upTo', { nullable: true }),
    unitAmount: t.field({ type: MinorAmount, resolve: (x) => x.unitAmountMinor }),
    flatAmount: t.field({ type: MinorAmount, resolve: (x) => x.flatAmountMinor }),
  }),
});

export const PlanRef = builder.objectRef<PlanRow>('Plan');
export const PriceRef = builder.objectRef<PriceRow>('Price').implement({
  description: 'A way to pay for a plan. Immutable once a subscription has used it: to charge differently, create a new price.',
  fields: (t) => ({
    id: t.exposeID('id'),
    plan: t.field({ type: PlanRef, resolve: async (p, _a, ctx) => (await ctx.loaders.plan.load(p.planId))! }),
    nickname: t.exposeString('nickname', { nullable: true }),
    currency: t.exposeString('currency'),
    model: t.field({ type: PriceModelEnum, resolve: (p) => p.model as 'FLAT' }),
    unitAmount: t.field({ type: MinorAmount, nullable: true, resolve: (p) => p.unitAmountMinor }),
    tiers: t.field({ type: [TierRef], nullable: true, resolve: (p) => p.tiers as Tier[] | null }),
    meter: t.field({ type: MeterRef, nullable: true, resolve: (p, _a, ctx) => (p.meterId ? ctx.loaders.meter.load(p.meterId) : null) }),
    interval: t.field({ type: BillingIntervalEnum, resolve: (p) => p.interval as 'MONTH' }),
    intervalCount: t.exposeInt('intervalCount'),
    trialDays: t.exposeInt('trialDays', { nullable: true }),
    active: t.exposeBoolean('active'),
    used: t.boolean({ description: 'A subscription has used it, so its terms can no longer change.', resolve: (p) => p.usedAt !== null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

PlanRef.implement({
  description: 'A product the tenant sells.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    active: t.exposeBoolean('active'),
    prices: t.field({ type: [PriceRef], resolve: (p, _a, ctx) => ctx.loaders.pricesByPlan.load(p.id) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  meters: t.field({ type: [MeterRef], authScopes: readScopes, resolve: (_r, _a, ctx) => ctx.services.catalog.meters(ctx.identity) }),
  plans: t.field({
    type: [PlanRef],
    authScopes: readScopes,
    description: 'The catalogue, oldest first; archived plans only with includeInactive.',
    args: { includeInactive: t.arg.boolean() },
    resolve: (_r, { includeInactive }, ctx) => ctx.services.catalog.plans(ctx.identity, includeInactive ?? false),
  }),
  plan: t.field({ type: PlanRef, nullable: true, authScopes: readScopes, args: { id: t.arg.id({ required: true }) }, resolve: (_r, { id }, ctx) => ctx.loaders.plan.load(id) }),
  price: t.field({ type: PriceRef, nullable: true, authScopes: readScopes, args: { id: t.arg.id({ required: true }) }, resolve: (_r, { id }, ctx) => ctx.loaders.price.load(id) }),
}));

const TierInput = builder.inputType('PriceTierInput', {
  fields: (t) => ({
    upTo: t.int({ description: 'Inclusive upper bound; null on the last tier.' }),
    unitAmount: t.field({ type: MinorAmount, required: true }),
    flatAmount: t.field({ type: MinorAmount }),
  }),
});

const CreatePriceInput = builder.inputType('CreatePriceInput', {
  fields: (t) => ({
    planId: t.id({ required: true }),
    currency: t.string({ required: true, description: 'ISO 4217 code, e.g. USD.' }),
    model: t.field({ type: PriceModelEnum, required: true }),
    unitAmount: t.field({ type: MinorAmount, description: 'Minor units per period (FLAT), per seat (PER_SEAT) or per unit of usage (METERED).' }),
    tiers: t.field({ type: [TierInput], description: 'GRADUATED only.' }),
    meterId: t.id({ description: 'Required for METERED; optional for GRADUATED (tiers over usage).' }),
    interval: t.field({ type: BillingIntervalEnum, required: true }),
    intervalCount: t.int({ description: 'Bill every N intervals; default 1.' }),
    trialDays: t.int(),
    nickname: t.string(),
  }),
});

const UpdatePriceInput = builder.inputType('UpdatePriceInput', {
  description: 'Terms can change only while no subscription has used the price; `active` can always change.',
  fields: (t) => ({
    currency: t.string(),
    model: t.field({ type: PriceModelEnum }),
    unitAmount: t.field({ type: MinorAmount }),
    tiers: t.field({ type: [TierInput] }),
    meterId: t.id(),
    interval: t.field({ type: BillingIntervalEnum }),
    intervalCount: t.int(),
    trialDays: t.int(),
    nickname: t.string(),
    active: t.boolean(),
  }),
});

type TierInputShape = { upTo?: number | null; unitAmount: number; flatAmount?: number | null };
const toTiers = (tiers: TierInputShape[] | null | undefined): Tier[] | null | undefined =>
  tiers === undefined ? undefined : tiers === null ? null : tiers.map((x) => ({ upTo: x.upTo ?? null, unitAmountMinor: x.unitAmount, flatAmountMinor: x.flatAmount ?? 0 }));

builder.mutationFields((t) => ({
  createMeter: t.field({
    type: MeterRef,
    authScopes: settingsScopes,
    errors: { types: [ConflictError] },
    args: {
      eventName: t.arg.string({ required: true }),
      displayName: t.arg.string({ required: true }),
      aggregation: t.arg({ type: MeterAggregationEnum, required: true }),
    },
    resolve: (_r, args, ctx) => ctx.services.catalog.createMeter(ctx.identity, args),
  }),
  createPlan: t.field({
    type: PlanRef,
    authScopes: settingsScopes,
    args: { name: t.arg.string({ required: true }), description: t.arg.string() },
    resolve: (_r, args, ctx) => ctx.services.catalog.createPlan(ctx.identity, args),
  }),
  updatePlan: t.field({
    type: PlanRef,
    authScopes: settingsScopes,
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }), name: t.arg.string(), description: t.arg.string(), active: t.arg.boolean() },
    resolve: (_r, { id, ...input }, ctx) => ctx.services.catalog.updatePlan(ctx.identity, id, input),
  }),
  createPrice: t.field({
    type: PriceRef,
    authScopes: settingsScopes,
    errors: { types: [NotFoundError] },
    args: { input: t.arg({ type: CreatePriceInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.catalog.createPrice(ctx.identity, { ...input, unitAmountMinor: input.unitAmount, tiers: toTiers(input.tiers) ?? null }),
  }),
  updatePrice: t.field({
    type: PriceRef,
    authScopes: settingsScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdatePriceInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => {
      const { unitAmount, tiers, ...rest } = input;
      return ctx.services.catalog.updatePrice(ctx.identity, id, {
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(unitAmount !== undefined ? { unitAmountMinor: unitAmount } : {}),
        ...(tiers !== undefined ? { tiers: toTiers(tiers) } : {}),
      });
    },
  }),
}));
