/**
 * Playbooks: the built-in templates, success-rate tracking, and the trigger
 * that starts churn prevention when health turns red. Method:
 * docs/customer-success-methods.md, "Playbooks".
 */
import type { HealthBand } from './health-score.js';

export { PLAYBOOK_TEMPLATES, type PlaybookTemplate } from './playbook-templates.js';

/**
 * finished: runs COMPLETED or CANCELLED that have an outcome (a run cancelled
 * without one, e.g. opened by mistake, says nothing about the playbook);
 * succeeded: those with outcome SUCCESS; rate = succeeded ÷ finished, 0..1,
 * null when nothing has finished. Active runs are not counted yet.
 */
export function playbookSuccessRate(runs: { status: 'ACTIVE' | 'COMPLETED' | 'CANCELLED'; outcome: 'SUCCESS' | 'FAILURE' | null }[]): {
  finished: number;
  succeeded: number;
  rate: number | null;
} {
  const finished = runs.filter((r) => r.status !== 'ACTIVE' && r.outcome !== null);
  const succeeded = finished.filter((r) => r.outcome === 'SUCCESS').length;
  return { finished: finished.length, succeeded, rate: finished.length === 0 ? null : succeeded / finished.length };
}

/** True when a score newly enters RED (previous band not RED, or first score is RED). */
export function entersRed(previousBand: HealthBand | null, band: HealthBand): boolean {
  return band === 'RED' && previousBand !== 'RED';
}
