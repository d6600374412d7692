-- The gateway's per-tenant cost buckets (docs/rate-limits.md): one row per
-- tenant, shared by every gateway replica. UNLOGGED: the levels are
-- disposable (a crash empties the table, which only gives every tenant its
-- whole budget back), so the hottest write of the platform, one per GraphQL
-- request, writes no WAL.
-- Under forced RLS like every table with a tenant_id; the function below
-- scopes itself to the tenant it charges.
CREATE SCHEMA IF NOT EXISTS gateway;
--> statement-breakpoint
CREATE UNLOGGED TABLE gateway.rate_limit_buckets (
  tenant_id uuid PRIMARY KEY,
  -- Points in the bucket as of updated_at (0 = empty, capacity = full).
  level double precision NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Whether the last charge fitted; stored so the single upsert can report it.
  admitted boolean NOT NULL
);
--> statement-breakpoint
SELECT platform.isolate_by_tenant('gateway.rate_limit_buckets');
--> statement-breakpoint
GRANT USAGE ON SCHEMA gateway TO platform_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON gateway.rate_limit_buckets TO platform_app;
--> statement-breakpoint
-- The level after leaking from p_since to p_now at p_restore_rate points a
-- second; a clock that went backwards leaks nothing (gateway/src/rate-limit/leaky-bucket.ts).
CREATE FUNCTION gateway.leaked_level(p_level double precision, p_since timestamptz, p_now timestamptz, p_restore_rate double precision)
  RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0, p_level - greatest(0, extract(epoch FROM p_now - p_since)::double precision) * p_restore_rate)
$$;
--> statement-breakpoint
-- One charge, atomically: leak the tenant's bucket up to now (the database's
-- clock, so replicas with skewed clocks agree), then add p_cost if it fits
-- under p_capacity. A negative p_cost is a refund and never takes the level
-- below empty. A tenant's first charge starts from an empty bucket. The row
-- lock of the upsert serialises concurrent charges of one tenant, from any
-- replica. p_now exists for tests; callers leave it to the clock.
CREATE FUNCTION gateway.take_rate_limit(
  p_tenant_id uuid, p_cost double precision, p_capacity double precision, p_restore_rate double precision, p_now timestamptz DEFAULT NULL
) RETURNS TABLE (admitted boolean, level double precision)
  LANGUAGE plpgsql SET search_path = pg_catalog, gateway AS $$
#variable_conflict use_column
DECLARE
  v_now timestamptz := coalesce(p_now, clock_timestamp());
BEGIN
  -- Transaction-local, like every tenant scope (db/src/tenant-scope.ts): it
  -- ends with the statement that called this function.
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  RETURN QUERY
    INSERT INTO gateway.rate_limit_buckets AS b (tenant_id, level, updated_at, admitted)
    VALUES (p_tenant_id, CASE WHEN p_cost <= p_capacity THEN greatest(0, p_cost) ELSE 0 END, v_now, p_cost <= p_capacity)
    ON CONFLICT (tenant_id) DO UPDATE SET
      level = CASE
        WHEN gateway.leaked_level(b.level, b.updated_at, v_now, p_restore_rate) + p_cost <= p_capacity
          THEN greatest(0, gateway.leaked_level(b.level, b.updated_at, v_now, p_restore_rate) + p_cost)
        ELSE gateway.leaked_level(b.level, b.updated_at, v_now, p_restore_rate)
      END,
      updated_at = greatest(b.updated_at, v_now),
      admitted = gateway.leaked_level(b.level, b.updated_at, v_now, p_restore_rate) + p_cost <= p_capacity
    RETURNING b.admitted, b.level;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gateway.take_rate_limit(uuid, double precision, double precision, double precision, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gateway.take_rate_limit(uuid, double precision, double precision, double precision, timestamptz) TO platform_app;
