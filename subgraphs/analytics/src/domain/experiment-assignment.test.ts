import { describe, expect, it } from 'vitest';
import { assignmentBucket, assignVariant, BUCKETS, variantForBucket } from './experiment-assignment.js';

describe('assignmentBucket', () => {
  it.each([
    // md5("checkout-button.user-1") = d51012c690e9dc69…; 0xd51012c690e9dc6 = 959,549,485,859,380,678 → mod 10,000 = 678
    ['checkout-button', 'user-1', 678],
    // md5("checkout-button.user-2") = d90fefc8a16628bb…; 0xd90fefc8a16628b = 977,561,479,741,334,155 → 4,155
    ['checkout-button', 'user-2', 4155],
    // md5("new-pricing.alice") = aaaf539a9128fdc4…; 0xaaaf539a9128fdc = 768,696,314,418,597,852 → 7,852
    ['new-pricing', 'alice', 7852],
    // UTF-8 bytes are hashed: md5("new-pricing.ünïcode") = ac458ac43eb5aa02…; 0xac458ac43eb5aa0 = 775,842,532,711,684,768 → 4,768
    ['new-pricing', 'ünïcode', 4768],
  ])('hashes %s.%s into bucket %d (60-bit integer, exact beyond 2^53)', (key, id, bucket) => {
    expect(assignmentBucket(key, id)).toBe(bucket);
  });

  it('depends on the experiment key, so experiments are independent', () => {
    expect(assignmentBucket('new-pricing', 'bob')).toBe(8954); // md5 prefix 90bad16c2773dfa → 651,804,884,348,648,954
    expect(assignmentBucket('checkout-button', 'bob')).not.toBe(8954);
  });
});

describe('variantForBucket', () => {
  const variants = [
    { key: 'control', weight: 50 },
    { key: 'a', weight: 30 },
    { key: 'b', weight: 20 },
  ];

  it('gives each variant weight × 100 consecutive buckets in order', () => {
    // control [0, 5000), a [5000, 8000), b [8000, 10000)
    expect([0, 4999, 5000, 7999, 8000, 9999].map((b) => variantForBucket(variants, b))).toEqual(['control', 'control', 'a', 'a', 'b', 'b']);
  });

  it('refuses a bucket the weights do not cover', () => {
    expect(() => variantForBucket([{ key: 'x', weight: 10 }], 1000)).toThrow('sum to 100');
  });
});

describe('assignVariant', () => {
  it('splits 20,000 ids close to the weights (within 1.5 points of 50/30/20)', () => {
    const variants = [
      { key: 'control', weight: 50 },
      { key: 'a', weight: 30 },
      { key: 'b', weight: 20 },
    ];
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const { variant, bucket } = assignVariant('split-check', variants, `user-${i}`);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(BUCKETS);
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    // binomial sd of a share at n = 20,000 is at most √(0.25/20,000) = 0.35 points; 1.5 points is > 4 sd
    expect(Math.abs(counts.get('control')! / 20_000 - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(counts.get('a')! / 20_000 - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts.get('b')! / 20_000 - 0.2)).toBeLessThan(0.015);
  });

  it('gives the same user the same variant every time', () => {
    const variants = [
      { key: 'control', weight: 50 },
      { key: 'treatment', weight: 50 },
    ];
    expect(assignVariant('stable', variants, 'u-42')).toEqual(assignVariant('stable', variants, 'u-42'));
  });
});
