/**
 * The benchmark's operations and how an answer is judged.
 *   a: the first 50 customers with fields of three subgraphs: name and health
 *      score (customer-success), the owner's name and email (tenancy), the
 *      subscriptions' status and plan (billing);
 *   b: one customer by id with the same fields of the three subgraphs;
 *   c: one customer by id with fields of customer-success only, sent to a
 *      gateway and straight to the customer-success subgraph, whose
 *      difference is the gateway's own added latency.
 * b and c rotate over 100 customers spread over the whole list.
 */

export type ScenarioKey = 'a' | 'b' | 'c';

export const QUERIES: Record<ScenarioKey, { title: string; query: string }> = {
  a: {
    title: 'a  50 customers, 3 subgraphs',
    query:
      'query CustomerList { customers(first: 50) { nodes { id name healthScore { score } owner { name email } subscriptions { status items { price { plan { name } } } } } } }',
  },
  b: {
    title: 'b  1 customer, 3 subgraphs',
    query:
      'query CustomerOverview($id: ID!) { customer(id: $id) { id name healthScore { score } owner { name email } subscriptions { status items { price { plan { name } } } } } }',
  },
  c: {
    title: 'c  1 customer, 1 subgraph',
    query: 'query CustomerHealth($id: ID!) { customer(id: $id) { id name healthScore { score } } }',
  },
};

export interface RequestBody {
  query: string;
  variables: Record<string, unknown>;
  operationName: string;
}

const ROTATION = 100;

/** The request bodies a load run cycles through. */
export function bodiesOf(scenario: ScenarioKey, customerIds: string[]): RequestBody[] {
  const { query } = QUERIES[scenario];
  const operationName = /query (\w+)/.exec(query)![1]!;
  if (scenario === 'a') return [{ query, variables: {}, operationName }];
  const n = Math.min(ROTATION, customerIds.length);
  const stride = customerIds.length / n;
  return Array.from({ length: n }, (_, k) => ({ query, variables: { id: customerIds[Math.floor(k * stride)]! }, operationName }));
}

/**
 * Cheap enough to run on every response under load: some data and no error.
 * (A full check of each response would cost the load generator more CPU than
 * the gateways spend; `problemsOf` checks sample answers in full.)
 */
export const looksRight = (body: string) => body.includes('"data":{') && !body.includes('"errors":');

interface CustomerAnswer {
  id: string;
  name: string;
  healthScore: { score: number } | null;
  owner?: { name: string; email: string } | null;
  subscriptions?: { status: string; items: { price: { plan: { name: string } } }[] }[];
}

/** What is wrong with an answer to `body` (empty: nothing). */
export function problemsOf(scenario: ScenarioKey, body: RequestBody, answer: { data?: unknown; errors?: unknown }, expectedListLength: number): string[] {
  if (answer.errors) return [`errors: ${JSON.stringify(answer.errors).slice(0, 300)}`];
  const data = answer.data as { customers?: { nodes: CustomerAnswer[] }; customer?: CustomerAnswer | null } | undefined;
  const customers = scenario === 'a' ? (data?.customers?.nodes ?? []) : data?.customer ? [data.customer] : [];
  const problems: string[] = [];
  if (scenario === 'a' && customers.length !== expectedListLength) problems.push(`${customers.length} customers listed, expected ${expectedListLength}`);
  if (scenario !== 'a' && customers[0]?.id !== body.variables.id) problems.push(`customer ${String(body.variables.id)} not returned`);
  const count = (what: string, ok: (c: CustomerAnswer) => boolean) => {
    const missing = customers.filter((c) => !ok(c)).length;
    if (missing > 0) problems.push(`${missing} of ${customers.length} customers without ${what}`);
  };
  count('a health score', (c) => typeof c.healthScore?.score === 'number');
  if (scenario !== 'c') {
    count("the owner's name and email", (c) => typeof c.owner?.name === 'string' && typeof c.owner.email === 'string');
    count('a subscription plan', (c) => typeof c.subscriptions?.[0]?.items[0]?.price.plan.name === 'string');
  }
  return problems;
}
