/** How an executed query's actual cost is worked out from its result, on hand-computed values. */
import { describe, expect, it } from 'vitest';
import { actualQueryCost, listItemsIn } from './cost-report.js';

describe('listItemsIn', () => {
  it('counts the objects that are list items, at any depth, and neither single objects nor scalars', () => {
    const data = {
      customers: { nodes: [{ id: '1', owner: { name: 'A' }, tags: ['x'] }, { id: '2', subscriptions: [{ id: 's' }, null] }], pageInfo: { hasNextPage: false } },
      viewer: null,
    };
    // 2 customers + 1 subscription
    expect(listItemsIn(data)).toBe(3);
  });
  it('is 0 for data without lists of objects', () => {
    expect(listItemsIn({ tenant: { id: 't', name: 'T' }, tags: ['a', 'b'] })).toBe(0);
  });
});

describe('actualQueryCost', () => {
  it('scales the charge by the share of estimated items returned: 3 of 50 items of a 102-point query cost 7', () => {
    // 102 × 3 / 50 = 6.12, rounded up
    expect(actualQueryCost(102, 50, 3, 1)).toBe(7);
  });
  it('keeps the whole charge when every estimated item came back', () => {
    expect(actualQueryCost(102, 50, 50, 1)).toBe(102);
  });
  it('never exceeds the charge', () => {
    expect(actualQueryCost(10, 5, 60, 1)).toBe(10);
  });
  it('never goes below the minimum charge: an empty page costs 1', () => {
    expect(actualQueryCost(6, 5, 0, 1)).toBe(1);
  });
  it('is the charge for a query without lists, which was estimated exactly', () => {
    expect(actualQueryCost(3, 0, 0, 1)).toBe(3);
  });
});
