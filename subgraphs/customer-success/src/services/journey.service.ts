/**
 * The customer journey: a timeline of touchpoints, milestones and changes,
 * written by the other services in the transaction of the change itself and
 * read newest first.
 */
import { customerSuccessTables as cs, type Tx } from '@platform/db';

export const JOURNEY_KINDS = [
  'CUSTOMER_CREATED',
  'CUSTOMER_ARCHIVED',
  'LIFECYCLE_CHANGED',
  'OWNER_CHANGED',
  'ONBOARDING_STARTED',
  'MILESTONE_COMPLETED',
  'ONBOARDING_COMPLETED',
  'PLAYBOOK_STARTED',
  'PLAYBOOK_STEP_COMPLETED',
  'PLAYBOOK_COMPLETED',
  'PLAYBOOK_CANCELLED',
  'NPS_RESPONSE',
  'TICKET_OPENED',
  'TICKET_RESOLVED',
  'HEALTH_BAND_CHANGED',
] as const;
export type JourneyKind = (typeof JOURNEY_KINDS)[number];

export type JourneyEventRow = typeof cs.journeyEvents.$inferSelect;

export interface JourneyEntry {
  kind: JourneyKind;
  title: string;
  /** Id of the thing the entry is about (ticket, response, run, milestone…). */
  relatedId?: string | null;
  detail?: Record<string, unknown>;
  occurredAt: Date;
}

export class JourneyService {
  async record(tx: Tx, tenantId: string, customerId: string, entry: JourneyEntry): Promise<void> {
    await tx.insert(cs.journeyEvents).values({
      tenantId,
      customerId,
      kind: entry.kind,
      title: entry.title,
      detail: { ...(entry.detail ?? {}), ...(entry.relatedId ? { relatedId: entry.relatedId } : {}) },
      occurredAt: entry.occurredAt,
    });
  }
}
