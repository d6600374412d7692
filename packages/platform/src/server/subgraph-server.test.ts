/**
 * An unexpected error inside a subgraph reaches the caller masked, and the log
 * line that records it carries the same request id (so support can find it).
 */
import { Writable } from 'node:stream';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type Identity, requestBodyHash, signIdentityHeader } from '../auth/index.js';
import { NotFoundError } from '../errors.js';
import { startSubgraphRuntime } from './subgraph-server.js';

const SECRET = 'x'.repeat(48);

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      boom: { type: GraphQLString, resolve: () => { throw new Error('connection to 10.0.0.7 refused (secret detail)'); } },
      missing: { type: GraphQLString, resolve: () => { throw new NotFoundError('Widget', 'w1'); } },
    },
  }),
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const identity: Identity = { accountId: null, sessionId: null, tenantId: null, userId: null, role: null, scopes: [], authMethod: 'anonymous', requestId: 'req-test-0001', clientIp: null, userAgent: null };

async function run(query: string) {
  const { lines, logger } = capture();
  const runtime = await startSubgraphRuntime({ name: 'probe', schema, createContext: (base) => base }, { internalSecret: SECRET, logger });
  const header = signIdentityHeader(identity, { secret: SECRET, bodyHash: requestBodyHash({ query }) });
  const result = await runtime.execute({ query }, { 'x-platform-identity': header });
  await runtime.stop();
  return { result, lines };
}

describe('subgraph error masking', () => {
  it('masks an unexpected error and logs it with the request id', async () => {
    const { result, lines } = await run('{ boom }');
    expect(result.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-test-0001' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    const logged = lines.find((l) => l.msg === 'unexpected error');
    expect(logged?.requestId).toBe('req-test-0001');
    expect(JSON.stringify(logged)).toContain('secret detail');
  });

  it('passes a domain error through with its code and logs nothing', async () => {
    const { result, lines } = await run('{ missing }');
    expect(result.errors?.[0]).toMatchObject({ message: 'Widget w1 was not found', extensions: { code: 'NOT_FOUND' } });
    expect(lines.find((l) => l.msg === 'unexpected error')).toBeUndefined();
  });
});
