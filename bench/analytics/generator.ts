/**
 * The event generator of the analytics benchmark: a plan (which sessions fall
 * on which day, grouped into statements of about 500,000 events) and the one
 * `INSERT ... SELECT ... FROM generate_series` statement that writes a group.
 * PostgreSQL builds every row itself; nothing crosses the wire but the plan.
 *
 * The shape, for realism where the measured queries look:
 * - sessions of 10 events, 45–75 s apart, spread over the last 90 UTC days
 *   with a weekly rhythm (weekends about half as busy) and a daytime peak;
 * - users join over the window (40 % before it, the rest evenly), and a
 *   session belongs to a user with a skew towards the newest ones, so a
 *   user's activity fades as newer users arrive (retention decays);
 * - a session starts with a prefix of the funnel: event_01 in 50 % of
 *   sessions, event_01 → event_02 in 30 %, … → event_03 in 15 %, … → event_04
 *   in 6 %; the rest of the session (and the sessions without it) draws from
 *   event_05…event_30 with a Zipf-like skew (21 % down to 1.1 %);
 * - user i belongs to customer i mod 200; properties carry the customer's
 *   plan, the session's utm_source and `$session_id`;
 * - ids are UUIDv7 of the event time (what the ingestion API recommends), so
 *   a statement's primary-key inserts stay in a few pages instead of all over.
 * Randomness is hash-based (`hashint8extended` of the session or row number),
 * so the same plan loads the same rows.
 */
import { CUSTOMERS, DAYS, EVENT_NAMES, FUNNEL, PLANS, SESSION_LENGTH, USERS, UTM_SOURCES, WEEKDAY_WEIGHT } from './dataset.js';

const DAY_MS = 86_400_000;
/** A session lasts at most 10 × 75 s; today's sessions start early enough to end before now. */
const SESSION_MARGIN_MS = 20 * 60_000;

export interface DayPlan {
  /** 0 … 89; day 89 is today. */
  day: number;
  /** Sessions [firstSession, endSession) of the load happen on this day. */
  firstSession: number;
  endSession: number;
  /** The part of the day sessions may start in: 1, or for today the part already past. */
  scale: number;
}

export interface LoadChunk {
  days: DayPlan[];
  events: number;
}

export interface LoadPlan {
  /** UTC midnight 89 days before today. */
  start: Date;
  count: number;
  chunks: LoadChunk[];
}

/** Spreads `count` events over the 90 days ending now, in chunks of about `chunkEvents`. */
export function planLoad(count: number, now: Date, chunkEvents: number): LoadPlan {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const start = new Date(today - (DAYS - 1) * DAY_MS);
  const todayScale = Math.max(0, (now.getTime() - today - SESSION_MARGIN_MS) / DAY_MS);
  const days = Array.from({ length: DAYS }, (_, day) => {
    const isoDay = new Date(start.getTime() + day * DAY_MS).getUTCDay() || 7;
    const scale = day === DAYS - 1 ? todayScale : 1;
    return { day, scale, weight: WEEKDAY_WEIGHT[isoDay]! * scale };
  });
  const total = days.reduce((s, d) => s + d.weight, 0);
  const sessions = Math.ceil(count / SESSION_LENGTH);
  const eventsOf = (first: number, end: number) => Math.max(0, Math.min(end * SESSION_LENGTH, count) - first * SESSION_LENGTH);
  const chunks: LoadChunk[] = [];
  let current: LoadChunk = { days: [], events: 0 };
  let cumulative = 0;
  let first = 0;
  for (const d of days) {
    cumulative += d.weight;
    const end = d.day === DAYS - 1 ? sessions : Math.round((sessions * cumulative) / total);
    if (end > first) {
      current.days.push({ day: d.day, firstSession: first, endSession: end, scale: d.scale });
      current.events += eventsOf(first, end);
    }
    first = end;
    if (current.events >= chunkEvents) {
      chunks.push(current);
      current = { days: [], events: 0 };
    }
  }
  if (current.days.length > 0) chunks.push(current);
  return { start, count, chunks };
}

/** A uniform number in [0, 1) from a 64-bit hash of `key` (SQL expression). */
const u = (key: string, seed: number) => `((hashint8extended(${key}, ${seed}) & 4503599627370495)::float8 / 4503599627370496)`;
const text = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The statement that writes one chunk, for `tenant_id = $1`. Parameters:
 * $2 start (ISO), $3 days int[], $4 first sessions bigint[], $5 end sessions
 * bigint[], $6 scales float8[], $7 events in the whole load, $8 the load's
 * session base (keeps session ids and hashes distinct between loads).
 */
export const INSERT_CHUNK = `
INSERT INTO analytics.events (tenant_id, id, name, distinct_id, customer_id, session_id, occurred_at, received_at, properties)
SELECT $1::uuid,
       (lpad(to_hex((extract(epoch FROM r.at) * 1000)::bigint), 12, '0') || '7' || substr(r.h, 1, 3) || '8' || substr(r.h, 4, 15))::uuid,
       r.name, 'user_' || r.usr, ('00000000-0000-4000-8000-' || lpad(to_hex(r.usr % ${CUSTOMERS}), 12, '0'))::uuid,
       r.sid, r.at, r.at + interval '2 seconds',
       jsonb_build_object('plan', (ARRAY[${PLANS.map(text).join(', ')}])[r.usr % ${CUSTOMERS} % ${PLANS.length} + 1], 'utm_source', r.utm, '$session_id', r.sid)
FROM (
  SELECT s.usr, s.sid, s.utm,
         $2::timestamptz + (s.day + s.tod) * interval '1 day' + (p.k * 45 + 30 * ${u('s.key * 16 + p.k', 7)}) * interval '1 second' AS at,
         CASE WHEN p.k < s.depth THEN 'event_0' || (p.k + 1)
              ELSE 'event_' || lpad((${FUNNEL.length} + floor(power(${EVENT_NAMES - FUNNEL.length + 1}, ${u('s.key * 16 + p.k', 6)})))::int::text, 2, '0') END AS name,
         md5((s.key * 16 + p.k)::text) AS h
  FROM unnest($3::int[], $4::bigint[], $5::bigint[], $6::float8[]) AS d(day, s0, s1, scale)
  CROSS JOIN LATERAL (
    SELECT g.n, g.key, d.day, 's' || g.key AS sid,
           g.pool - 1 - floor(g.pool * ${u('g.key', 1)} ^ 2)::bigint AS usr,
           (${u('g.key', 2)} + ${u('g.key', 3)}) / 2 * d.scale AS tod,
           CASE WHEN ${u('g.key', 4)} < 0.06 THEN 4 WHEN ${u('g.key', 4)} < 0.15 THEN 3
                WHEN ${u('g.key', 4)} < 0.30 THEN 2 WHEN ${u('g.key', 4)} < 0.50 THEN 1 ELSE 0 END AS depth,
           CASE ${UTM_SOURCES.map(([source, upTo]) => `WHEN ${u('g.key', 5)} < ${upTo} THEN ${text(source)}`).join(' ')} END AS utm
    FROM (SELECT n, $8::bigint + n AS key, floor(${USERS} * (0.4 + 0.6 * (d.day + 1) / ${DAYS}.0))::bigint AS pool
          FROM generate_series(d.s0, d.s1 - 1) AS n) g
  ) s
  CROSS JOIN LATERAL generate_series(0, LEAST(${SESSION_LENGTH}, $7::bigint - s.n * ${SESSION_LENGTH}) - 1) AS p(k)
) r`;

/** The parameters of INSERT_CHUNK for one chunk. */
export function chunkParameters(tenantId: string, plan: LoadPlan, chunk: LoadChunk, sessionBase: number): unknown[] {
  return [
    tenantId,
    plan.start.toISOString(),
    chunk.days.map((d) => d.day),
    chunk.days.map((d) => d.firstSession),
    chunk.days.map((d) => d.endSession),
    chunk.days.map((d) => d.scale),
    plan.count,
    sessionBase,
  ];
}
