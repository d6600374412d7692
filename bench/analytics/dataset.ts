/**
 * The shape of the analytics benchmark's data, shared by the SQL generator
 * (bulk load) and the ingestion clients (HTTP): who the users and customers
 * are, which event names exist and how popular they are, the properties.
 * Everything is a deterministic function of an index, so reruns load the
 * same data and the SQL and TypeScript sides agree.
 */

export const USERS = 100_000;
export const CUSTOMERS = 200;
export const EVENT_NAMES = 30;
export const DAYS = 90;
/** Events per session; the last session of a load may be cut short. */
export const SESSION_LENGTH = 10;
/** The ordered funnel the benchmark measures; sessions start with a prefix of it (see generator.ts). */
export const FUNNEL = ['event_01', 'event_02', 'event_03', 'event_04'] as const;
export const PLANS = ['free', 'free', 'free', 'free', 'free', 'starter', 'starter', 'starter', 'pro', 'enterprise'] as const;
/** UTM sources with their cumulative share of sessions. */
export const UTM_SOURCES = [
  ['direct', 0.4],
  ['google', 0.65],
  ['newsletter', 0.8],
  ['linkedin', 0.9],
  ['twitter', 1],
] as const;

/** Customer c (0 ≤ c < 200) as a fixed UUID: `00000000-0000-4000-8000-0000000000c7` for 199. */
export const customerId = (c: number) => `00000000-0000-4000-8000-${c.toString(16).padStart(12, '0')}`;
/** User i belongs to customer i mod 200. */
export const customerOf = (user: number) => user % CUSTOMERS;
export const distinctId = (user: number) => `user_${user}`;
export const eventName = (k: number) => `event_${String(k).padStart(2, '0')}`;

/**
 * The k-th name (1-based) of `n` names drawn with P(k) = log_{n+1}((k+1)/k), a
 * Zipf-like skew: for the 26 names after the funnel, the first is 21 % of
 * draws and the last 1.1 %. `u` is uniform in [0, 1).
 */
export const skewedIndex = (n: number, u: number) => Math.min(n, Math.floor((n + 1) ** u));

/**
 * Weekly rhythm of activity by ISO day of week (1 = Monday): weekends are
 * about half as busy as working days.
 */
export const WEEKDAY_WEIGHT = [0, 1, 1.05, 1.05, 1, 0.9, 0.55, 0.45] as const;

/** UUIDv7 (the format the ingestion API recommends): 48 bits of milliseconds, then random bits. */
export function uuidv7(ms: number, random: () => number = Math.random): string {
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const t = ms.toString(16).padStart(12, '0');
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** mulberry32: a small seeded generator, so the ingestion clients send the same events every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
