-- After each `gongjian migrate` (as gongjian_owner): the runtime role's rights on every table,
-- including any made before the default privileges; the audit log is append-only for it.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gongjian_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO gongjian_app;
REVOKE UPDATE, DELETE, TRUNCATE ON core_auditlog FROM gongjian_app;
