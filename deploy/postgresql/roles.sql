-- The database and its roles (run once as postgres on the primary; psql -v for the passwords):
--   psql -v owner_password=… -v app_password=… -v replicator_password=… -f roles.sql
-- gongjian_owner owns the schema and runs migrations, backups and the audit purge;
-- gongjian_app is what the app servers and the worker use: it reads and writes rows, never
-- changes the schema, and may only add to the audit log (no UPDATE, DELETE or TRUNCATE).
CREATE ROLE gongjian_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE gongjian_app LOGIN PASSWORD :'app_password';
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replicator_password';
-- The replica's lag (pg_stat_wal_receiver) for the app's health checks.
GRANT pg_monitor TO gongjian_app;
CREATE DATABASE gongjian OWNER gongjian_owner ENCODING 'UTF8' TEMPLATE template0;
\connect gongjian
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO gongjian_owner;
GRANT USAGE ON SCHEMA public TO gongjian_app;
-- Tables and sequences the owner creates from now on (every migration):
ALTER DEFAULT PRIVILEGES FOR ROLE gongjian_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gongjian_app;
ALTER DEFAULT PRIVILEGES FOR ROLE gongjian_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO gongjian_app;
