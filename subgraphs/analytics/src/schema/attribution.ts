/** Multi-touch attribution of conversions to channels (method: docs/analytics/attribution.md). */
import { builder } from '../builder.js';
import { ATTRIBUTION_MODELS, type AttributionChannel, type AttributionModelResult } from '../domain/attribution.js';
import {
  type Attribution,
  DEFAULT_CHANNEL_PROPERTY,
  DEFAULT_LOOKBACK_DAYS,
  MAX_ATTRIBUTED_CONVERSIONS,
  MAX_LOOKBACK_DAYS,
  MAX_TOUCHES_PER_CONVERSION,
} from '../services/attribution.service.js';
import { DateRangeInput, PropertyFilterInput } from './common.js';
import { readScopes } from './scopes.js';

export type { Attribution } from '../services/attribution.service.js';

const AttributionModelEnum = builder.enumType('AttributionModel', {
  description:
    'How a conversion’s one unit of credit is split among its touchpoints (oldest first): FIRST_TOUCH and LAST_TOUCH give it all to one end; LINEAR splits it evenly; TIME_DECAY weighs each touch 2^(−age ÷ 7 days); POSITION_BASED gives 40 % to each end and 20 % across the middle (one touch: 100 %, two: 50/50).',
  values: ATTRIBUTION_MODELS,
});

const AttributionInput = builder.inputType('AttributionInput', {
  fields: (t) => ({
    conversionEvent: t.string({ required: true, description: 'Every event of this name in `range` is a conversion (not only each user’s first).' }),
    conversionFilters: t.field({ type: [PropertyFilterInput], description: 'Conditions every counted conversion event must meet.' }),
    touchpointEvent: t.string({ description: 'The event that marks a touchpoint; null: any event carrying `channelProperty`.' }),
    channelProperty: t.string({ defaultValue: DEFAULT_CHANNEL_PROPERTY, description: 'The event property naming the channel; touches without it (or with an empty value) are ignored.' }),
    lookbackDays: t.int({ defaultValue: DEFAULT_LOOKBACK_DAYS, description: `Touches up to this many days (1–${MAX_LOOKBACK_DAYS}) before a conversion count.` }),
    range: t.field({ type: DateRangeInput, required: true, description: 'The conversions counted happened in this range; their touches may be older.' }),
    models: t.field({ type: [AttributionModelEnum], description: 'Default: all five.' }),
  }),
});

const AttributionChannelRef = builder.objectRef<AttributionChannel>('AttributionChannel').implement({
  fields: (t) => ({
    channel: t.exposeString('channel', { description: '`(direct)` for conversions without a touchpoint.' }),
    credit: t.exposeFloat('credit', { description: 'Conversions credited to the channel (fractional under multi-touch models), rounded to 9 decimals.' }),
    share: t.exposeFloat('share', { description: 'credit ÷ conversions; a model’s shares sum to 1.' }),
  }),
});

const AttributionModelResultRef = builder.objectRef<AttributionModelResult>('AttributionModelResult').implement({
  fields: (t) => ({
    model: t.field({ type: AttributionModelEnum, resolve: (r) => r.model }),
    channels: t.field({ type: [AttributionChannelRef], description: 'Highest credit first (ties by channel name).', resolve: (r) => r.channels }),
  }),
});

export const AttributionRef = builder.objectRef<Attribution>('Attribution').implement({
  fields: (t) => ({
    conversions: t.exposeInt('conversions'),
    conversionsWithTouchpoints: t.exposeInt('conversionsWithTouchpoints'),
    models: t.field({ type: [AttributionModelResultRef], resolve: (r) => r.models }),
  }),
});

builder.queryField('attribution', (t) =>
  t.field({
    type: AttributionRef,
    authScopes: readScopes,
    errors: {},
    description: `Credits the conversions in a range to the channels of each converting user’s earlier touchpoints (the last ${MAX_TOUCHES_PER_CONVERSION} within the lookback window), under each model. At most ${MAX_ATTRIBUTED_CONVERSIONS.toLocaleString('en')} conversions per query.`,
    args: { input: t.arg({ type: AttributionInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.attribution.run(ctx.identity, input),
  }),
);
