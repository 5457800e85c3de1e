-- The taskChanges subscription reads a tenant's most recently changed tasks.
CREATE INDEX tasks_tenant_updated_idx ON tasks (tenant, updated_at DESC, id DESC);
