-- Schema 9: query texts stored before poll.queryText existed are redacted. The work is code (the redactor
-- is a lexer, not SQL): see QueryTextScrub, which SchemaMigrator runs in this migration's transaction.
SELECT 1;
