/**
 * What the billing benchmark sets up through the gateway, as a tenant would:
 * an owner who signs up and creates a tenant (a real access token), the tax
 * rate, the `api_calls` meter and three plans with their prices.
 */
import { type CatalogIds, METER, PRICES, TAX_RATE_BPS } from './plan.js';

export type Gql = <T>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<T>;

export function graphqlClient(url: string): Gql {
  return async <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

/** A union result that is not the wanted type is an error the benchmark cannot continue after. */
function expectType<T extends { __typename: string }>(result: T, typename: string, what: string): T {
  if (result.__typename !== typename) throw new Error(`${what} failed: ${JSON.stringify(result)}`);
  return result;
}

export async function setUpTenant(gql: Gql, label: string): Promise<{ token: string; catalog: CatalogIds }> {
  const stamp = `${label}-${Date.now()}`;
  const signUp = await gql<{ signUp: { __typename: string; accessToken: string } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on AuthSession { accessToken } ... on Error { message } } }',
    { input: { email: `bench.${stamp}@example.com`, name: 'Bench Owner', password: 'Tr0ub4dor&3-horse' } },
  );
  expectType(signUp.signUp, 'AuthSession', 'signUp');
  const created = await gql<{ createTenant: { __typename: string; tenant: { id: string }; session: { accessToken: string } } }>(
    'mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename ... on CreateTenantPayload { tenant { id } session { accessToken } } ... on Error { message } } }',
    { input: { name: `Bench ${label}`, slug: `bench-${stamp}`, tier: 'WHITE_LABEL' } },
    signUp.signUp.accessToken,
  );
  const { tenant, session } = expectType(created.createTenant, 'CreateTenantPayload', 'createTenant');
  const token = session.accessToken;

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
      tenantId: tenant.id,
      meterId,
      seatPriceId: await price('Seats', { model: 'PER_SEAT', unitAmount: PRICES.seatMinor }),
      platformPriceId: await price('Platform', { model: 'FLAT', unitAmount: PRICES.platformFeeMinor }),
      meteredPriceId: await price('API', { model: 'METERED', unitAmount: PRICES.perCallMinor, meterId }),
    },
  };
}
