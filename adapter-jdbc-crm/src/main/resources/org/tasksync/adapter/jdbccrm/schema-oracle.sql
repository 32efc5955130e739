-- tasksync reference schema of the CRM side, Oracle Database 12c or later.
-- A1 tasks and reps as JdbcCrmSettings.ofDefaults() expects them; see docs/jdbc-crm.md.
-- For a DBA to run once (Oracle before 23ai has no CREATE ... IF NOT EXISTS); ReferenceCrm.createSchema()
-- runs the H2 and PostgreSQL schemas only. Unquoted names: Oracle stores them in upper case, and
-- the adapter's unquoted names find them. Every name is at most 30 characters (the limit before 12.2).
-- Flags are NUMBER(1) (0 or 1): Oracle SQL has no BOOLEAN column type before 23ai.

CREATE TABLE crm_rep (
    id            VARCHAR2(40 CHAR)   NOT NULL PRIMARY KEY,
    display_name  VARCHAR2(200 CHAR),
    email         VARCHAR2(320 CHAR),
    time_zone     VARCHAR2(64 CHAR),
    sync_enabled  NUMBER(1)           DEFAULT 1 NOT NULL
);

CREATE TABLE a1_task (
    id                 VARCHAR2(40 CHAR)            NOT NULL PRIMARY KEY,
    rep_id             VARCHAR2(40 CHAR),
    created_by_rep_id  VARCHAR2(40 CHAR),
    start_date         DATE,
    due_date           DATE,
    status             NUMBER(5),
    priority           NUMBER(5),
    percent_complete   NUMBER(10),
    complete_date      DATE,
    reminder_duration  NUMBER(10),
    reminder_unit      NUMBER(5),
    subject            VARCHAR2(2000 CHAR),
    comments           CLOB,
    modified_at        TIMESTAMP(6) WITH TIME ZONE  DEFAULT SYSTIMESTAMP NOT NULL,
    deleted            NUMBER(1)                    DEFAULT 0 NOT NULL,
    -- the day the task is scheduled for (SPEC 5): due date, else start date (a virtual column)
    scheduled_day      DATE GENERATED ALWAYS AS (COALESCE(due_date, start_date)) VIRTUAL
);

-- changesSince: keyset on (modification time, id)
CREATE INDEX a1_task_modified ON a1_task (modified_at, id);
-- tasksInTimeFrame, read rep by rep: keyset on (rep, scheduled day, id) within one rep, the next
-- rep, and a rep's unscheduled (NULL) tasks; id is never NULL, so every row has an entry and
-- rep_id IS NULL can use this index
CREATE INDEX a1_task_rep ON a1_task (rep_id, scheduled_day, id);
-- tasksInTimeFrame, sorted (reads of a few pages, such as the days entering the window): the day range
CREATE INDEX a1_task_scheduled ON a1_task (scheduled_day, id);

-- For CRMs that delete rows instead of marking them (tasksync.crm.jdbc.deletion-log.table).
CREATE TABLE a1_task_deletion (
    task_id     VARCHAR2(40 CHAR)            NOT NULL,
    deleted_at  TIMESTAMP(6) WITH TIME ZONE  NOT NULL
);
CREATE INDEX a1_task_deletion_at ON a1_task_deletion (deleted_at, task_id);
