/**
 * The built-in playbook templates a tenant starts from. Steps and timings follow
 * common customer-success practice; dueInDays counts from the run's start.
 */
import type { PlaybookCategory } from './health-score.js';

export interface PlaybookTemplate {
  key: string;
  category: PlaybookCategory;
  name: string;
  description: string;
  steps: { title: string; description: string; dueInDays: number }[];
}

export const PLAYBOOK_TEMPLATES: PlaybookTemplate[] = [
  {
    key: 'onboarding-standard',
    category: 'ONBOARDING',
    name: 'Standard onboarding',
    description: 'Takes a new customer from signature to first value in 60 days.',
    steps: [
      { title: 'Internal handover from sales', description: 'Review the deal notes, goals and stakeholders with the account executive.', dueInDays: 1 },
      { title: 'Kickoff call', description: 'Meet the sponsor and project lead; agree goals, success criteria and the timeline.', dueInDays: 3 },
      { title: 'Share the success plan', description: 'Send the written success plan with milestones and owners for sign-off.', dueInDays: 7 },
      { title: 'Technical setup', description: 'Configure the workspace, single sign-on and the key integrations with the admin.', dueInDays: 14 },
      { title: 'Admin and user training', description: 'Run the admin session and the end-user sessions; share recordings.', dueInDays: 30 },
      { title: 'Adoption check', description: 'Review seat activation and feature adoption; follow up with inactive teams.', dueInDays: 45 },
      { title: 'First value review', description: 'Confirm the first success criterion is met and record the outcome.', dueInDays: 60 },
    ],
  },
  {
    key: 'renewal-90-day',
    category: 'RENEWAL',
    name: 'Renewal (90 days out)',
    description: 'Secures the renewal starting 90 days before the term ends.',
    steps: [
      { title: 'Renewal risk review', description: 'Check health, churn risk, open tickets and payment history; flag blockers.', dueInDays: 1 },
      { title: 'Value summary', description: 'Prepare the outcomes achieved this term against the success plan.', dueInDays: 14 },
      { title: 'Business review with the sponsor', description: 'Present the value summary and the plan for next term; confirm the decision maker.', dueInDays: 30 },
      { title: 'Renewal proposal', description: 'Send the proposal with seats, tier and price; agree the paperwork process.', dueInDays: 45 },
      { title: 'Resolve billing issues', description: 'Clear failed or late payments and update billing contacts before signature.', dueInDays: 60 },
      { title: 'Signature', description: 'Obtain the signed renewal and hand over to billing.', dueInDays: 80 },
    ],
  },
  {
    key: 'expansion-opportunity',
    category: 'EXPANSION',
    name: 'Expansion opportunity',
    description: 'Turns a healthy, highly adopted account into more seats, a higher tier or new teams.',
    steps: [
      { title: 'Qualify the opportunity', description: 'Confirm seat utilisation, usage near tier limits and teams not yet using the product.', dueInDays: 3 },
      { title: 'Discovery with the champion', description: 'Learn which new teams or use cases would benefit and who decides.', dueInDays: 10 },
      { title: 'Introduce the account executive', description: 'Hand the qualified opportunity to sales with the notes.', dueInDays: 14 },
      { title: 'Proposal', description: 'Share an expansion proposal tied to outcomes the customer already values.', dueInDays: 30 },
    ],
  },
  {
    key: 'churn-prevention',
    category: 'CHURN_PREVENTION',
    name: 'Churn prevention',
    description: 'Rescues an account whose health entered the red band.',
    steps: [
      { title: 'Diagnose', description: 'Read the risk factors, recent tickets, NPS comments and usage drop; write the hypothesis.', dueInDays: 1 },
      { title: 'Executive outreach', description: 'Call the sponsor within the week to hear their view and acknowledge the issues.', dueInDays: 3 },
      { title: 'Recovery plan', description: 'Agree concrete actions, owners and dates with the customer (fixes, training, configuration).', dueInDays: 7 },
      { title: 'Escalate blockers internally', description: 'Bring open defects or billing disputes to the owning teams with a deadline.', dueInDays: 10 },
      { title: 'Weekly check-ins', description: 'Track the recovery plan weekly until health leaves the red band.', dueInDays: 30 },
      { title: 'Outcome review', description: 'Record whether the account recovered (success) or is leaving (failure) and why.', dueInDays: 45 },
    ],
  },
];
