/**
 * Child process of bench/subscriptions.ts: holds N graphql-ws subscriptions
 * through the gateway (one WebSocket each, as N browser tabs would) and
 * measures delivery latency against the write times the parent sends over IPC.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

interface Config { wsUrl: string; token: string; subscriptions: number; customers: string[] }
interface Write { customer: string; index: number; at: number }

const writes = new Map<string, number[]>();
const latencies: number[] = [];
let received = 0;
let errors = 0;
let closedEarly = 0;
const disposers: (() => void)[] = [];

const QUERY = `subscription Live($customerId: ID!) {
  healthScoreChanged(customerId: $customerId) { score band customer { id name owner { id email } } }
}`;

async function open(config: Config) {
  let held = 0;
  const batch = 200;
  for (let start = 0; start < config.subscriptions; start += batch) {
    const group = [];
    for (let i = start; i < Math.min(config.subscriptions, start + batch); i++) {
      const customer = config.customers[i % config.customers.length]!;
      let seen = 0;
      group.push(
        new Promise<void>((resolve) => {
          const client = createClient({
            url: config.wsUrl,
            webSocketImpl: WebSocket,
            lazy: false,
            retryAttempts: 0,
            connectionParams: { authorization: `Bearer ${config.token}` },
            on: { connected: () => resolve(), closed: () => closedEarly++ },
          });
          const unsubscribe = client.subscribe<{ healthScoreChanged: { customer: { id: string } } }>(
            { query: QUERY, variables: { customerId: customer } },
            {
              next: () => {
                const at = Date.now();
                const written = writes.get(customer)?.[seen];
                seen++;
                received++;
                if (written !== undefined) latencies.push(at - written);
              },
              error: () => errors++,
              complete: () => {},
            },
          );
          disposers.push(() => {
            unsubscribe();
            void client.dispose();
          });
        }),
      );
    }
    await Promise.all(group);
    held += group.length;
    process.send?.({ kind: 'progress', held });
  }
  return held;
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

process.on('message', async (message: { kind: string; config?: Config; write?: Write[] }) => {
  if (message.kind === 'open') {
    const held = await open(message.config!);
    // Let the server register every subscription before the writes start.
    await new Promise((r) => setTimeout(r, 1_000));
    process.send?.({ kind: 'ready', held });
  } else if (message.kind === 'writes') {
    for (const w of message.write!) {
      const list = writes.get(w.customer) ?? [];
      list[w.index] = w.at;
      writes.set(w.customer, list);
    }
  } else if (message.kind === 'report') {
    const sorted = [...latencies].sort((a, b) => a - b);
    process.send?.({
      kind: 'report',
      received,
      errors,
      closedEarly,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      rss: process.memoryUsage().rss,
    });
  } else if (message.kind === 'close') {
    for (const d of disposers) d();
    setTimeout(() => process.exit(0), 500);
  }
});
process.send?.({ kind: 'started' });
