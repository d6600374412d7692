-- The event relay's database side (see db/src/events and docs/decisions.md, "Domain events").
--
-- 1. Every outbox insert wakes the relays: a statement trigger sends
--    NOTIFY platform_outbox with the schema name. Notifications are delivered on
--    commit and collapsed per transaction, so a busy writer costs one wake-up.
-- 2. platform.relay_claim takes a batch of unpublished events of one outbox and
--    marks them published; platform.outbox_predecessors tells, per consumer,
--    which earlier event of the same aggregate must be applied first (this keeps
--    per-aggregate order under retries).
--    It must see every tenant's events, so it runs as the migration owner
--    (SECURITY DEFINER): the relay is the one component trusted across tenants,
--    and it only moves events into consumer queues whose handlers re-scope to
--    the event's own tenant.
-- 3. platform.outbox_events reads events by position, for live fan-out to
--    subscriptions in other processes (NOTIFY carries positions, not payloads).
CREATE OR REPLACE FUNCTION platform.notify_outbox() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('platform_outbox', TG_TABLE_SCHEMA);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON tenancy.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION platform.relay_claim(p_source text, p_limit integer)
  RETURNS TABLE(pos bigint, id uuid, tenant_id uuid, type text, aggregate_type text, aggregate_id text, payload jsonb, occurred_at timestamptz)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH claimed AS (
      SELECT o.position FROM %1$I.outbox o
      WHERE o.published_at IS NULL ORDER BY o.position LIMIT $1 FOR UPDATE SKIP LOCKED
    )
    UPDATE %1$I.outbox o SET published_at = now() FROM claimed c WHERE o.position = c.position
    RETURNING o.position, o.id, o.tenant_id, o.type, o.aggregate_type, o.aggregate_id, o.payload, o.occurred_at
  $q$, p_source) USING p_limit;
END $$;
--> statement-breakpoint
-- For each given event, the position of the previous event of the same
-- aggregate among the types one consumer receives (null for the first).
CREATE OR REPLACE FUNCTION platform.outbox_predecessors(p_source text, p_positions bigint[], p_types text[])
  RETURNS TABLE(pos bigint, prev_pos bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    SELECT o.position, (SELECT max(p.position) FROM %1$I.outbox p
      WHERE p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id
        AND p.position < o.position AND p.type = ANY($2))
    FROM %1$I.outbox o WHERE o.position = ANY($1)
  $q$, p_source) USING p_positions, p_types;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION platform.outbox_events(p_source text, p_positions bigint[])
  RETURNS TABLE(pos bigint, id uuid, tenant_id uuid, type text, aggregate_type text, aggregate_id text, payload jsonb, occurred_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT o.position, o.id, o.tenant_id, o.type, o.aggregate_type, o.aggregate_id, o.payload, o.occurred_at FROM %I.outbox o WHERE o.position = ANY($1) ORDER BY o.position',
    p_source) USING p_positions;
END $$;
--> statement-breakpoint
-- Published events are kept a while for replay and diagnosis, then pruned.
CREATE OR REPLACE FUNCTION platform.outbox_prune(p_source text, p_keep interval) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE removed bigint;
BEGIN
  EXECUTE format('DELETE FROM %I.outbox WHERE published_at < now() - $1', p_source) USING p_keep;
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION platform.relay_claim(text, integer), platform.outbox_predecessors(text, bigint[], text[]), platform.outbox_events(text, bigint[]), platform.outbox_prune(text, interval) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION platform.relay_claim(text, integer), platform.outbox_predecessors(text, bigint[], text[]), platform.outbox_events(text, bigint[]), platform.outbox_prune(text, interval) TO platform_app;
