/**
 * What the gateway benchmark sets up through GraphQL, as a tenant would: an
 * owner and a tenant (../owner.ts) moved from its trial to the paid
 * WHITE_LABEL tier (no API-call quota, the most generous limits), a few
 * members who own the customers as CSMs, and three plans with a monthly
 * price each. The bulk data (customers, scores, subscriptions) is seeded in
 * SQL afterwards (seed.ts).
 */
import { type AccessTokenClaims, createAccessTokenIssuer, createAccessTokenVerifier } from '@platform/core';
import type { Secrets } from '@platform/gateway/platform';
import { expectType, type Gql, signUpOwner } from '../owner.js';

export interface SeedPrice {
  id: string;
  planName: string;
  model: 'FLAT' | 'PER_SEAT';
  /** Minor units per month (FLAT) or per seat and month (PER_SEAT). */
  unitAmount: number;
}

export interface BenchTenant {
  tenantId: string;
  /** Users of the tenant who own customers. */
  csmUserIds: string[];
  prices: SeedPrice[];
  /** The owner's access-token claims, for new tokens of the same session (`tokenMinter`). */
  claims: AccessTokenClaims;
}

const PLANS = [
  { name: 'Starter', model: 'FLAT', unitAmount: 4_900 },
  { name: 'Growth', model: 'PER_SEAT', unitAmount: 1_500 },
  { name: 'Enterprise', model: 'FLAT', unitAmount: 49_900 },
] as const;

export async function setUpTenant(gql: Gql, secrets: Secrets, csms: number, log: (line: string) => void): Promise<BenchTenant> {
  const { token, tenantId } = await signUpOwner(gql, 'gateway');
  const tier = await gql<{ changeTier: { __typename: string; tier: string; effectiveTier: string } }>(
    'mutation { changeTier(tier: WHITE_LABEL) { __typename ... on Tenant { tier effectiveTier } ... on Error { message } } }',
    {},
    token,
  );
  const changed = expectType(tier.changeTier, 'Tenant', 'changeTier');
  log(`tenant ${tenantId}: tier ${changed.tier} (effective ${changed.effectiveTier}), no trial`);

  const csmUserIds: string[] = [];
  for (let i = 0; i < csms; i++) csmUserIds.push(await addMember(gql, token, i));
  log(`${csms} members (the customers' CSMs) joined by invitation`);

  const prices: SeedPrice[] = [];
  for (const plan of PLANS) {
    const created = await gql<{ createPlan: { id: string } }>('mutation($name: String!) { createPlan(name: $name) { id } }', { name: plan.name }, token);
    const price = await gql<{ createPrice: { __typename: string; id: string } }>(
      'mutation($input: CreatePriceInput!) { createPrice(input: $input) { __typename ... on Price { id } ... on Error { message } } }',
      { input: { planId: created.createPlan.id, currency: 'USD', interval: 'MONTH', model: plan.model, unitAmount: plan.unitAmount } },
      token,
    );
    prices.push({ id: expectType(price.createPrice, 'Price', 'createPrice').id, planName: plan.name, model: plan.model, unitAmount: plan.unitAmount });
  }
  log(`plans ${PLANS.map((p) => p.name).join(', ')} with a monthly price each`);

  const { expiresAt: _expiresAt, ...claims } = await createAccessTokenVerifier({ publicKeyPem: secrets.jwtPublicKeyPem }).verify(token);
  return { tenantId, csmUserIds, prices, claims };
}

async function addMember(gql: Gql, ownerToken: string, i: number): Promise<string> {
  const email = `csm.${i}.${Date.now()}@example.com`;
  const signUp = await gql<{ signUp: { __typename: string; accessToken: string } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on AuthSession { accessToken } ... on Error { message } } }',
    { input: { email, name: `CSM ${i + 1}`, password: 'Tr0ub4dor&3-horse' } },
  );
  const person = expectType(signUp.signUp, 'AuthSession', 'signUp');
  const invite = await gql<{ inviteMember: { __typename: string; token: string } }>(
    'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { __typename ... on InviteMemberPayload { token } ... on Error { message } } }',
    { input: { email, role: 'member' } },
    ownerToken,
  );
  const { token } = expectType(invite.inviteMember, 'InviteMemberPayload', 'inviteMember');
  const accepted = await gql<{ acceptInvitation: { __typename: string; user: { id: string } } }>(
    'mutation($token: String!) { acceptInvitation(token: $token) { __typename ... on AcceptInvitationPayload { user { id } } ... on Error { message } } }',
    { token },
    person.accessToken,
  );
  return expectType(accepted.acceptInvitation, 'AcceptInvitationPayload', 'acceptInvitation').user.id;
}

/**
 * Access tokens live 15 minutes, less than a long benchmark. The benchmark
 * holds the platform's signing key, so it issues the owner a new token with
 * the same claims (same session) before every measurement, as a client would
 * refresh it; the gateways verify it exactly as any other.
 */
export function tokenMinter(secrets: Secrets, claims: AccessTokenClaims): () => Promise<string> {
  const issuer = createAccessTokenIssuer({ privateKeyPem: secrets.jwtPrivateKeyPem });
  return async () => (await issuer.issue(claims)).token;
}
