import { describe, expect, it } from 'vitest';
import { ReplayGuard } from './replay-guard.js';

describe('ReplayGuard', () => {
  it('reports a nonce as seen the second time only', () => {
    const guard = new ReplayGuard();
    expect(guard.seen('n1', 10_000, 0)).toBe(false);
    expect(guard.seen('n1', 10_000, 1)).toBe(true);
    expect(guard.seen('n2', 10_000, 2)).toBe(false);
  });

  it('forgets nonces once they expire', () => {
    const guard = new ReplayGuard();
    guard.seen('a', 1_000, 0);
    guard.seen('b', 2_000, 0);
    guard.seen('c', 3_000, 0);
    expect(guard.seen('d', 9_000, 2_000)).toBe(false); // sweeps a (1000) and b (2000 is not > 2000)
    expect(guard.size).toBe(2); // c, d
    expect(guard.seen('c', 3_000, 2_500)).toBe(true);
  });

  it('stays within maxEntries by forgetting the oldest nonce', () => {
    const guard = new ReplayGuard(3);
    for (const nonce of ['a', 'b', 'c', 'd']) expect(guard.seen(nonce, 60_000, 0)).toBe(false);
    expect(guard.size).toBe(3);
    expect(guard.seen('d', 60_000, 0)).toBe(true);
    expect(guard.seen('a', 60_000, 0)).toBe(false); // evicted to make room for d
  });

  it('rejects a non-positive size', () => {
    expect(() => new ReplayGuard(0)).toThrow(RangeError);
  });
});
