/**
 * What the billing benchmark sets up through the gateway, as a tenant would:
 * an owner who signs up and creates a tenant (../owner.ts), then the tax
 * rate, the `api_calls` meter and three plans with their prices.
 */
import { expectType, type Gql, signUpOwner } from '../owner.js';
import { type CatalogIds, METER, PRICES, TAX_RATE_BPS } from './plan.js';

export { type Gql, graphqlClient } from '../owner.js';

export async function setUpTenant(gql: Gql, label: string): Promise<{ token: string; catalog: CatalogIds }> {
  const { token, tenantId } = await signUpOwner(gql, label);

  await gql('mutation($input: UpdateBillingSettingsInput!) { updateBillingSettings(input: $input) { taxRateBps } }', { input: { taxRateBps: TAX_RATE_BPS, defaultCurrency: 'USD' } }, token);
  const meter = await gql<{ createMeter: { __typename: string; id: string } }>(
    'mutation($name: String!) { createMeter(eventName: $name, displayName: "API calls", aggregation: SUM) { __typename ... on Meter { id } ... on Error { message } } }',
    { name: METER },
    token,
  );
  const meterId = expectType(meter.createMeter, 'Meter', 'createMeter').id;
  const price = async (plan: string, input: Record<string, unknown>) => {
    const p = await gql<{ createPlan: { id: string } }>('mutation($name: String!) { createPlan(name: $name) { id } }', { name: plan }, token);
    const r = await gql<{ createPrice: { __typename: string; id: string } }>(
      'mutation($input: CreatePriceInput!) { createPrice(input: $input) { __typename ... on Price { id } ... on Error { message } } }',
      { input: { planId: p.createPlan.id, currency: 'USD', interval: 'MONTH', ...input } },
      token,
    );
    return expectType(r.createPrice, 'Price', 'createPrice').id;
  };
  return {
    token,
    catalog: {
      tenantId,
      meterId,
      seatPriceId: await price('Seats', { model: 'PER_SEAT', unitAmount: PRICES.seatMinor }),
      platformPriceId: await price('Platform', { model: 'FLAT', unitAmount: PRICES.platformFeeMinor }),
      meteredPriceId: await price('API', { model: 'METERED', unitAmount: PRICES.perCallMinor, meterId }),
    },
  };
}
