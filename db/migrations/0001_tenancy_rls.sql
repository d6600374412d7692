-- Row-level security for the tenancy schema, and the platform-wide helpers every
-- subgraph's RLS migration uses. Policies compare tenant_id with the setting
-- app.tenant_id, which the application sets per transaction (db/src/tenant-scope.ts).
CREATE SCHEMA IF NOT EXISTS platform;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION platform.current_account_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.account_id', true), '')::uuid $$;
--> statement-breakpoint
-- Enables and forces RLS on a tenant-owned table with the standard policy.
-- FORCE makes the policy apply to the table owner too.
CREATE OR REPLACE FUNCTION platform.isolate_by_tenant(tbl regclass) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = platform.current_tenant_id()) WITH CHECK (tenant_id = platform.current_tenant_id())', tbl);
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA platform TO platform_app;
--> statement-breakpoint
GRANT USAGE ON SCHEMA tenancy TO platform_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tenancy TO platform_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tenancy TO platform_app;
--> statement-breakpoint
SELECT platform.isolate_by_tenant(t::regclass) FROM unnest(ARRAY[
  'tenancy.users', 'tenancy.roles', 'tenancy.invitations', 'tenancy.feature_flags',
  'tenancy.branding', 'tenancy.custom_domains', 'tenancy.usage_counters', 'tenancy.outbox'
]) AS t;
--> statement-breakpoint
-- An account may read its own memberships in every tenant (to list and switch tenants).
CREATE POLICY own_memberships ON tenancy.users FOR SELECT USING (account_id = platform.current_account_id());
--> statement-breakpoint
-- A tenant row is its own tenant; members may also read the tenants they belong to.
ALTER TABLE tenancy.tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenancy.tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenancy.tenants USING (id = platform.current_tenant_id()) WITH CHECK (id = platform.current_tenant_id());
--> statement-breakpoint
CREATE POLICY member_read ON tenancy.tenants FOR SELECT USING (
  id IN (SELECT tenant_id FROM tenancy.users WHERE account_id = platform.current_account_id() AND status = 'ACTIVE'));
--> statement-breakpoint
-- Accepting an invitation starts from a token, before the tenant is known. This
-- function reveals only which tenant a valid token hash belongs to; it runs as
-- the migration owner, so it is the one deliberate hole in RLS, and a narrow one.
CREATE OR REPLACE FUNCTION tenancy.invitation_tenant_id(p_token_hash text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, tenancy AS $$
  SELECT tenant_id FROM tenancy.invitations WHERE token_hash = p_token_hash
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tenancy.invitation_tenant_id(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tenancy.invitation_tenant_id(text) TO platform_app;
