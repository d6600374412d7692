-- Row-level security for the customer_success schema: every table is tenant-owned
-- and gets the platform's standard forced policy (platform.isolate_by_tenant, from
-- 0001). The application role gets DML on the tables and the sequences behind
-- bigserial columns (outbox positions, journey order), and the outbox wakes the
-- event relays on insert like every other outbox (0002).
GRANT USAGE ON SCHEMA customer_success TO platform_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA customer_success TO platform_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA customer_success TO platform_app;
--> statement-breakpoint
SELECT platform.isolate_by_tenant(t::regclass) FROM unnest(ARRAY[
  'customer_success.customers', 'customer_success.health_settings', 'customer_success.usage_snapshots',
  'customer_success.support_tickets', 'customer_success.nps_responses', 'customer_success.payment_events',
  'customer_success.health_scores', 'customer_success.churn_models', 'customer_success.churn_predictions',
  'customer_success.onboarding_plans', 'customer_success.onboarding_milestones', 'customer_success.onboarding_tasks',
  'customer_success.onboarding_blockers', 'customer_success.journey_events', 'customer_success.playbooks',
  'customer_success.playbook_steps', 'customer_success.playbook_runs', 'customer_success.playbook_step_executions',
  'customer_success.csm_tasks', 'customer_success.outbox', 'customer_success.event_checkpoints'
]) AS t;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON customer_success.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();
