/**
 * The event bus of one process: relays the outboxes it is responsible for,
 * runs the durable consumers it hosts (on pg-boss queues), and feeds live
 * subscriptions. Everything is woken by PostgreSQL LISTEN/NOTIFY rather than by
 * polling; a slow sweep only catches what a missed notification left behind
 * (events written while no relay was running).
 *
 *   outbox INSERT ──NOTIFY platform_outbox──▶ relay (claim + enqueue + announce, one tx)
 *        └─ announce ──NOTIFY platform_events──▶ workers of other processes wake,
 *                                              live listeners of other processes load by position
 *   consumers: pg-boss work() ──▶ applyBatch (exactly once in effect, ordered per aggregate)
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle, EventConsumer } from '@platform/db';
import { JOB_SCHEMA } from '@platform/db';
import PgBoss from 'pg-boss';
import { v7 as uuidv7 } from 'uuid';
import type { Logger } from '../logger.js';
import { applyBatch } from './consumer-worker.js';
import type { LiveEventHub } from './live.js';
import { EVENTS_CHANNEL, type EventJob, loadEvents, OUTBOX_CHANNEL, queueName, type RelayAnnouncement, relayBatch } from './relay.js';

const DEFER_SECONDS = 1;

type FailMany = (name: string, ids: string[], output: object) => Promise<void>;

export interface EventBusOptions {
  database: Pick<DatabaseHandle, 'db' | 'jobs' | 'listen' | 'kind'>;
  logger: Logger;
  /** Outbox schemas this process relays (embedded mode: all of them). */
  relaySources: readonly string[];
  /** Durable consumers hosted by this process. */
  consumers: readonly EventConsumer[];
  /**
   * The consumers the relays enqueue for, wherever they run (distributed
   * mode: `EVENT_ROUTES`). Default: the consumers hosted here.
   */
  routes?: readonly Pick<EventConsumer, 'name' | 'types'>[];
  /** Live fan-out target, and the sources whose events it wants. */
  live?: { hub: LiveEventHub; sources: readonly string[] };
  relayBatchSize?: number;
  consumerBatchSize?: number;
  /** Aggregates applied in parallel per consumer batch (default: 1 on PGlite, 8 on PostgreSQL). */
  consumerConcurrency?: number;
  /** Safety-net sweep of the outboxes, in ms (default 5 s). */
  sweepIntervalMs?: number;
  /** How long a job may stay active before pg-boss hands it out again (a crashed worker), in s. */
  jobExpirySeconds?: number;
  /** pg-boss maintenance (expiry, archiving) interval, in s. */
  maintenanceIntervalSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
}

export interface EventBus {
  /** Relays every source now and resolves when the pass is done (tests, shutdown). */
  relayNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEventBus(options: EventBusOptions): Promise<EventBus> {
  const { database, logger, consumers } = options;
  const log = logger.child({ component: 'event-bus' });
  const origin = randomUUID();
  const relayBatchSize = options.relayBatchSize ?? 200;
  const consumerBatchSize = options.consumerBatchSize ?? 100;
  // PGlite has one connection: parallel transactions would only queue on it.
  const consumerConcurrency = options.consumerConcurrency ?? (database.kind === 'pglite' ? 1 : 8);
  let stopped = false;

  const boss = new PgBoss({
    db: database.jobs,
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: true,
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();

  // Every queue the relays fill exists before the first relay, even when its worker runs in another process.
  const queueOptions = {
    policy: 'standard',
    retryLimit: options.retryLimit ?? 10,
    retryDelay: options.retryDelaySeconds ?? 1,
    retryBackoff: true,
    expireInSeconds: options.jobExpirySeconds ?? 30,
  };
  for (const route of [...consumers, ...(options.routes ?? [])]) {
    const name = queueName(route);
    await createQueueRacing(boss, name, { name, ...queueOptions } as PgBoss.Queue);
  }

  // Consumers: one worker each.
  const workers = new Map<string, string>();
  for (const consumer of consumers) {
    const name = queueName(consumer);
    const workerId = await boss.work<EventJob>(name, { batchSize: consumerBatchSize, pollingIntervalSeconds: 2 }, async (jobs) => {
      const { failed, deferred, lastError } = await applyBatch(database.db, consumer, jobs, log, consumerConcurrency);
      if (deferred.length > 0) {
        // Waiting on a predecessor is not a failure: re-queue a copy shortly
        // (this job then completes). A crash in between only redelivers, which
        // the checkpoint absorbs.
        const byId = new Map(jobs.map((j) => [j.id, j]));
        await boss.insert(deferred.map((id) => ({ id: uuidv7(), name, data: byId.get(id)!.data, startAfter: new Date(Date.now() + DEFER_SECONDS * 1000) })));
        setTimeout(() => boss.notifyWorker(workerId), DEFER_SECONDS * 1000 + 20).unref();
      }
      // pg-boss accepts ids + output at run time; its typings only know one of the two.
      if (failed.length > 0) await (boss.fail as unknown as FailMany)(name, failed, { message: lastError?.message ?? 'not applied' });
      // A full batch means more is waiting: fetch again without the polling pause.
      if (jobs.length === consumerBatchSize) boss.notifyWorker(workerId);
    });
    workers.set(name, workerId);
  }
  const wakeQueues = (queues: readonly string[]) => {
    for (const q of queues) {
      const id = workers.get(q);
      if (id) boss.notifyWorker(id);
    }
  };

  // Relay, coalesced per source: a wake-up during a pass schedules one more pass.
  const relaying = new Map<string, { running: Promise<void> | null; again: boolean }>(options.relaySources.map((s) => [s, { running: null, again: false }]));
  async function relayPass(source: string) {
    for (;;) {
      const batch = await database.db.transaction((tx) => relayBatch(tx, boss, { source, consumers: options.routes ?? consumers, batchSize: relayBatchSize, origin }));
      if (batch.events.length > 0) {
        options.live?.hub.publish(batch.events);
        wakeQueues(batch.queues);
      }
      if (!batch.full || stopped) return;
    }
  }
  function scheduleRelay(source: string): Promise<void> {
    const state = relaying.get(source);
    if (!state || stopped) return Promise.resolve();
    if (state.running) {
      state.again = true;
      return state.running;
    }
    state.running = (async () => {
      try {
        do {
          state.again = false;
          await relayPass(source);
        } while (state.again && !stopped);
      } catch (err) {
        log.error({ err, source }, 'relay pass failed; the sweep will retry');
      } finally {
        state.running = null;
      }
    })();
    return state.running;
  }

  const unlisten: (() => Promise<void>)[] = [];
  unlisten.push(await database.listen(OUTBOX_CHANNEL, (source) => void scheduleRelay(source)));
  unlisten.push(
    await database.listen(EVENTS_CHANNEL, (payload) => {
      let announcement: RelayAnnouncement;
      try {
        announcement = JSON.parse(payload) as RelayAnnouncement;
      } catch {
        return;
      }
      if (announcement.origin === origin) return;
      wakeQueues(announcement.queues);
      const live = options.live;
      if (live?.sources.includes(announcement.source) && live.hub.size() > 0) {
        database.db
          .transaction((tx) => loadEvents(tx, announcement.source, announcement.positions))
          .then((events) => live.hub.publish(events))
          .catch((err) => log.error({ err }, 'could not load announced events'));
      }
    }),
  );

  const sweep = setInterval(() => {
    for (const source of options.relaySources) void scheduleRelay(source);
  }, options.sweepIntervalMs ?? 5_000);
  sweep.unref();
  // Catch up with whatever was written while no relay ran.
  for (const source of options.relaySources) void scheduleRelay(source);

  return {
    async relayNow() {
      await Promise.all(options.relaySources.map((s) => scheduleRelay(s)));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      for (const off of unlisten) await off().catch(() => {});
      await Promise.all([...relaying.values()].map((s) => s.running));
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

/**
 * Creates a queue when several processes start at once on a fresh database
 * (gateway workers, replicas): pg-boss's create_queue takes its locks in an
 * order that can deadlock two concurrent callers, and PostgreSQL then aborts
 * one of them. The survivor creates the queue; the victim retries and finds it.
 */
async function createQueueRacing(boss: PgBoss, name: string, options: PgBoss.Queue, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, options);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '23505')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
