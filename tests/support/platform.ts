/**
 * Starts the real platform (gateway + subgraphs, embedded mode) on port 0 with
 * its own database, a controllable clock and a fake DNS resolver, and gives
 * tests a small GraphQL client that talks to it over HTTP, and graphql-ws
 * clients on a real WebSocket (closed with the platform).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createLogger } from '@platform/core';
import type { StatementObserver } from '@platform/db';
import { startPlatform, testSecrets } from '@platform/gateway/platform';
import { loadGatewaySettings } from '@platform/gateway/settings';
import { print } from 'graphql';
import { type Client, type ClientOptions, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDatabase } from './database.js';
import { createProducerOutbox, PRODUCER_SCHEMA } from './producer.js';

export interface TestClock {
  now: Date;
  advance(ms: number): void;
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
  headers: Headers;
}

type ExecutionPayload<T> = { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
/** One result of a live subscription, or the error that ended it. */
export type LivePayload<T> = ExecutionPayload<T> & { error?: unknown };

export type TxtRecords = Map<string, string[][]>;

export async function startTestPlatform(options: { quota?: boolean; env?: Record<string, string>; onStatement?: StatementObserver } = {}) {
  const database = await createTestDatabase();
  const clock: TestClock = {
    now: new Date(),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const txt: TxtRecords = new Map();
  const settings = loadGatewaySettings([], {
    PORT: '0',
    DATA_DIR: 'memory://',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests run billing with the runBilling mutation under their own clock.
    BILLING_RUN_INTERVAL_SECONDS: '0',
    // Analytics publishes usage for customers with new events almost at once.
    ANALYTICS_USAGE_INTERVAL_SECONDS: '0.25',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...options.env,
  });
  const secrets = await testSecrets();
  const platform = await startPlatform(settings, {
    logger: createLogger('test', settings.LOG_LEVEL),
    secrets,
    now: () => clock.now,
    quota: options.quota ?? true,
    // Tests publish analytics' and billing's events through a producer outbox until those subgraphs exist.
    prepareDatabase: (db) => createProducerOutbox(db, database.databaseUrl),
    extraEventSources: [PRODUCER_SCHEMA],
    onStatement: options.onStatement,
    txtResolver: async (host) => {
      const records = txt.get(host);
      if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return records;
    },
  });

  async function gql<T = Record<string, unknown>, V = Record<string, unknown>>(
    document: string | TypedDocumentNode<T, V>,
    variables?: V,
    token?: string | null,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> {
    const query = typeof document === 'string' ? document : print(document);
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResult<T>, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body };
  }

  /** Like gql, but fails the test on any GraphQL error and returns the data. */
  async function ok<T = Record<string, unknown>>(document: string | TypedDocumentNode<T>, variables?: Record<string, unknown>, token?: string | null): Promise<T> {
    const r = await gql<T>(document as string, variables, token);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  }

  const wsClients: Client[] = [];
  /** A graphql-ws client of the gateway, authenticated with `token` when given. */
  function wsClient(token: string | null, options: Partial<ClientOptions> = {}): Client {
    const client = createClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      ...options,
    });
    wsClients.push(client);
    return client;
  }

  /** Every payload of a live subscription (or `{ error }`), in an array the test polls. */
  function live<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token: string) {
    const results: LivePayload<T>[] = [];
    wsClient(token).subscribe({ query, variables }, { next: (r) => results.push(r as ExecutionPayload<T>), error: (error) => results.push({ error }), complete: () => {} });
    return results;
  }

  return {
    url: platform.url,
    platform,
    /** For processes that join this platform (distributed-mode tests): its secrets and its database's admin URL (undefined on PGlite). */
    secrets,
    databaseUrl: database.databaseUrl,
    clock,
    txt,
    gql,
    ok,
    wsClient,
    live,
    async close() {
      for (const client of wsClients) await client.dispose();
      await platform.close();
      await database.drop();
    },
  };
}
export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
