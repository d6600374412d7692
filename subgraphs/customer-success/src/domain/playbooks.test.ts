import { describe, expect, it } from 'vitest';
import { entersRed, PLAYBOOK_TEMPLATES, playbookSuccessRate } from './playbooks.js';

describe('PLAYBOOK_TEMPLATES', () => {
  it('offers one template per category with unique keys and steps in due order', () => {
    expect(PLAYBOOK_TEMPLATES.map((t) => t.category).sort()).toEqual(['CHURN_PREVENTION', 'EXPANSION', 'ONBOARDING', 'RENEWAL']);
    expect(new Set(PLAYBOOK_TEMPLATES.map((t) => t.key)).size).toBe(PLAYBOOK_TEMPLATES.length);
    for (const template of PLAYBOOK_TEMPLATES) {
      expect(template.steps.length).toBeGreaterThanOrEqual(4);
      const dues = template.steps.map((s) => s.dueInDays);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      expect(dues[0]).toBeGreaterThan(0);
    }
  });
});

describe('playbookSuccessRate', () => {
  it('is null before any run has finished with an outcome', () => {
    expect(playbookSuccessRate([])).toEqual({ finished: 0, succeeded: 0, rate: null });
    expect(playbookSuccessRate([{ status: 'ACTIVE', outcome: null }, { status: 'CANCELLED', outcome: null }])).toEqual({ finished: 0, succeeded: 0, rate: null });
  });

  it('divides successes by finished runs that have an outcome', () => {
    const runs = [
      ...Array(3).fill({ status: 'COMPLETED', outcome: 'SUCCESS' }),
      { status: 'COMPLETED', outcome: 'FAILURE' },
      { status: 'CANCELLED', outcome: 'FAILURE' },
      { status: 'CANCELLED', outcome: null }, // no outcome: left out
      { status: 'ACTIVE', outcome: null }, // not finished: left out
      { status: 'ACTIVE', outcome: 'SUCCESS' }, // not finished yet, even with an early outcome
    ];
    expect(playbookSuccessRate(runs)).toEqual({ finished: 5, succeeded: 3, rate: 0.6 });
  });
});

describe('entersRed', () => {
  it.each([
    [null, 'RED', true],
    ['YELLOW', 'RED', true],
    ['GREEN', 'RED', true],
    ['RED', 'RED', false],
    ['RED', 'YELLOW', false],
    [null, 'GREEN', false],
  ] as const)('%s → %s: %s', (previous, band, expected) => {
    expect(entersRed(previous, band)).toBe(expected);
  });
});
