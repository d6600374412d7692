-- Row-level security for the billing schema: every table is tenant-owned and gets
-- the platform's standard forced policy (platform.isolate_by_tenant, from 0001).
-- The application role gets DML on the tables and the sequences behind bigserial
-- columns, and the outbox wakes the event relays on insert (0002).
GRANT USAGE ON SCHEMA billing TO platform_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA billing TO platform_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA billing TO platform_app;
--> statement-breakpoint
SELECT platform.isolate_by_tenant(t::regclass) FROM unnest(ARRAY[
  'billing.customers', 'billing.settings', 'billing.meters', 'billing.plans', 'billing.prices',
  'billing.subscriptions', 'billing.subscription_items', 'billing.subscription_changes', 'billing.usage_events',
  'billing.invoices', 'billing.invoice_lines', 'billing.pending_items', 'billing.payments', 'billing.webhook_events',
  'billing.idempotency_keys', 'billing.platform_costs', 'billing.cost_budgets', 'billing.cost_alerts',
  'billing.outbox', 'billing.event_checkpoints'
]) AS t;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON billing.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();
--> statement-breakpoint
-- The scheduled billing run starts without a tenant: this function reveals only
-- which tenants have work due at an instant (a period to close, a trial ending,
-- a payment retry, an incomplete subscription to expire). It runs as the
-- migration owner, a deliberate and narrow hole in RLS like
-- tenancy.invitation_tenant_id; the run itself happens in each tenant's scope.
CREATE OR REPLACE FUNCTION billing.tenants_with_due_work(p_at timestamptz) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
  SELECT tenant_id FROM billing.subscriptions
    WHERE (status IN ('ACTIVE', 'PAST_DUE', 'TRIALING') AND current_period_end <= p_at)
       OR (status = 'TRIALING' AND trial_end <= p_at)
       OR (status = 'INCOMPLETE' AND created_at <= p_at - interval '23 hours')
  UNION
  SELECT tenant_id FROM billing.invoices WHERE status = 'OPEN' AND next_payment_attempt_at <= p_at
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION billing.tenants_with_due_work(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION billing.tenants_with_due_work(timestamptz) TO platform_app;
