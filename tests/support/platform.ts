/**
 * Starts the real platform (gateway + subgraphs, embedded mode) on port 0 with
 * its own database, a controllable clock and a fake DNS resolver, and gives
 * tests a small GraphQL client that talks to it over HTTP.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createLogger } from '@platform/core';
import { startPlatform, testSecrets } from '@platform/gateway/platform';
import { loadGatewaySettings } from '@platform/gateway/settings';
import { print } from 'graphql';
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

export type TxtRecords = Map<string, string[][]>;

export async function startTestPlatform(options: { quota?: boolean; env?: Record<string, string> } = {}) {
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
  const platform = await startPlatform(settings, {
    logger: createLogger('test', settings.LOG_LEVEL),
    secrets: await testSecrets(),
    now: () => clock.now,
    quota: options.quota ?? true,
    // Tests publish analytics' and billing's events through a producer outbox until those subgraphs exist.
    prepareDatabase: (db) => createProducerOutbox(db, database.databaseUrl),
    extraEventSources: [PRODUCER_SCHEMA],
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

  return {
    url: platform.url,
    platform,
    clock,
    txt,
    gql,
    async close() {
      await platform.close();
      await database.drop();
    },
  };
}
export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
