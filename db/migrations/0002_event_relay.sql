-- The event relay's database side (see db/src/events and docs/decisions.md, "Domain events").
--
-- 1. Every outbox insert wakes the relays: a statement trigger sends
--    NOTIFY platform_outbox with the schema name. Notifications are delivered on
--    commit and collapsed per transaction, so a busy writer costs one wake-up.
-- 2. platform.relay_claim takes a batch of unpublished events of one outbox,
--    marks them published and returns them with the position of the previous
--    event of the same aggregate (consumers use it to keep per-aggregate order).
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
  RETURNS TABLE(pos bigint, id uuid, tenant_id uuid, type text, aggregate_type text, aggregate_id text, payload jsonb, occurred_at timestamptz, prev_position bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH claimed AS (
      SELECT o.position FROM %1$I.outbox o
      WHERE o.published_at IS NULL ORDER BY o.position LIMIT $1 FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE %1$I.outbox o SET published_at = now() FROM claimed c WHERE o.position = c.position
      RETURNING o.position, o.id, o.tenant_id, o.type, o.aggregate_type, o.aggregate_id, o.payload, o.occurred_at
    )
    SELECT m.position, m.id, m.tenant_id, m.type, m.aggregate_type, m.aggregate_id, m.payload, m.occurred_at,
      (SELECT max(p.position) FROM %1$I.outbox p
        WHERE p.aggregate_type = m.aggregate_type AND p.aggregate_id = m.aggregate_id AND p.position < m.position)
    FROM marked m ORDER BY m.position
  $q$, p_source) USING p_limit;
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
REVOKE ALL ON FUNCTION platform.relay_claim(text, integer), platform.outbox_events(text, bigint[]), platform.outbox_prune(text, interval) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION platform.relay_claim(text, integer), platform.outbox_events(text, bigint[]), platform.outbox_prune(text, interval) TO platform_app;
