/**
 * How every benchmark talks to the platform as a tenant would: a GraphQL
 * client over HTTP, and an owner who signs up and creates a tenant through
 * the gateway (a real access token, so the figures include authentication
 * and the gateway's query planning).
 */
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
export function expectType<T extends { __typename: string }>(result: T, typename: string, what: string): T {
  if (result.__typename !== typename) throw new Error(`${what} failed: ${JSON.stringify(result)}`);
  return result;
}

/** Signs an owner up and creates a WHITE_LABEL tenant; returns the owner's tenant-scoped access token. */
export async function signUpOwner(gql: Gql, label: string): Promise<{ token: string; tenantId: string }> {
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
  return { token: session.accessToken, tenantId: tenant.id };
}
