/**
 * SQL pieces for UTC buckets, shared by trends and retention: the bucket an
 * event falls in as a timestamp (`date_trunc` on the naive UTC time) or as an
 * integer index from a grid's first bucket, which lets a per-user aggregate
 * keep the buckets a user was active in as bits of one bigint.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Interval, SQL_UNIT } from '../domain/time-buckets.js';

/** The most buckets a bigint bitmask holds. */
export const MASK_BITS = 64;

/** A JS instant as a naive UTC timestamp. */
export const utc = (at: Date) => sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/** Epoch milliseconds of a naive UTC timestamp, as float8 (both drivers read it as a number). */
export const epochMs = (column: SQL) => sql`(extract(epoch FROM ${column}) * 1000)::float8`;

/** `date_trunc` of an event's time in UTC. */
export function bucketOf(interval: Interval, column: SQL = sql`occurred_at`): SQL {
  return sql`date_trunc('${sql.raw(SQL_UNIT[interval])}', ${column} AT TIME ZONE 'UTC')`;
}

/**
 * The index of the bucket containing `column` (a timestamptz) counted from the
 * bucket starting at `first`: 0 for the first bucket. Date arithmetic where it
 * is exact (days, weeks from a Monday, months), epoch seconds for hours.
 * Only for instants at or after `first`.
 */
export function bucketIndex(interval: Interval, first: Date, column: SQL = sql`occurred_at`): SQL {
  const day = sql`(${column} AT TIME ZONE 'UTC')::date`;
  const firstDay = sql`${first.toISOString().slice(0, 10)}::date`;
  switch (interval) {
    case 'HOUR':
      return sql`floor((date_part('epoch', ${column}) - ${first.getTime() / 1000}::float8) / 3600)::int`;
    case 'DAY':
      return sql`(${day} - ${firstDay})`;
    case 'WEEK':
      return sql`((${day} - ${firstDay}) / 7)`;
    case 'MONTH':
      return sql`((date_part('year', ${day})::int * 12 + date_part('month', ${day})::int) - ${first.getUTCFullYear() * 12 + first.getUTCMonth() + 1}::int)`;
  }
}

/** A bigint constant from its 64 bits (quoted: `-9223372036854775808::int8` would negate an out-of-range literal). */
export function int8Bits(bits: bigint): SQL {
  return sql.raw(`'${BigInt.asIntN(64, bits).toString()}'::int8`);
}

/** Bit `index` of a bigint mask (index < 64) as a constant. */
export function bit(index: number): SQL {
  return int8Bits(1n << BigInt(index));
}
