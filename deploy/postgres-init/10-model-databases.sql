-- Run once by the postgres image on an empty data folder, as POSTGRES_USER: one database per model service beyond the
-- first (POSTGRES_DB), so each has its own signals, outcomes, registry and learner lease.
CREATE DATABASE signalengine_close;
