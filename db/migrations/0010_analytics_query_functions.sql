-- Filled by the funnel work: SQL functions the analytics queries call.
SELECT 1;
