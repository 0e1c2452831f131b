-- Flyway runs this on every connection it opens (callback afterConnect), before any migration: the
-- migration timeouts of MigrationsFactory (docs/operations.md, "Safe migrations").
SET lock_timeout = '${lockTimeout}';
SET statement_timeout = '${statementTimeout}';
