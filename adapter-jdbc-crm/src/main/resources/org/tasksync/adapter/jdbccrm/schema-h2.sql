-- tasksync reference schema of the CRM side, H2 2.x.
-- A1 tasks and reps as JdbcCrmSettings.ofDefaults() expects them; see docs/jdbc-crm.md.

CREATE TABLE IF NOT EXISTS crm_rep (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    display_name  VARCHAR(200),
    email         VARCHAR(320),
    time_zone     VARCHAR(64),
    sync_enabled  BOOLEAN      DEFAULT TRUE NOT NULL
);

CREATE TABLE IF NOT EXISTS a1_task (
    id                 VARCHAR(40)              NOT NULL PRIMARY KEY,
    rep_id             VARCHAR(40),
    created_by_rep_id  VARCHAR(40),
    start_date         DATE,
    due_date           DATE,
    status             SMALLINT,
    priority           SMALLINT,
    percent_complete   INTEGER,
    complete_date      DATE,
    reminder_duration  INTEGER,
    reminder_unit      SMALLINT,
    subject            VARCHAR(2000),
    comments           CHARACTER LARGE OBJECT,
    modified_at        TIMESTAMP(6) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    deleted            BOOLEAN                  DEFAULT FALSE NOT NULL,
    -- the day the task is scheduled for (SPEC 5): due date, else start date
    scheduled_day      DATE GENERATED ALWAYS AS (COALESCE(due_date, start_date))
);

-- changesSince: keyset on (modification time, id)
CREATE INDEX IF NOT EXISTS a1_task_modified ON a1_task (modified_at, id);
-- tasksInTimeFrame, read rep by rep (large reads, and reads with the unscheduled tasks): keyset on
-- (rep, scheduled day, id) within one rep, the next rep, and a rep's unscheduled (NULL) tasks
CREATE INDEX IF NOT EXISTS a1_task_rep ON a1_task (rep_id, scheduled_day, id);
-- tasksInTimeFrame, sorted (reads of a few pages, such as the days entering the window): the day range
CREATE INDEX IF NOT EXISTS a1_task_scheduled ON a1_task (scheduled_day, id);

-- For CRMs that delete rows instead of marking them: the ids of deleted tasks and when they went
-- (read only when tasksync.crm.jdbc.deletion-log.table is set). Same id type and clock as a1_task.
CREATE TABLE IF NOT EXISTS a1_task_deletion (
    task_id     VARCHAR(40)  NOT NULL,
    deleted_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS a1_task_deletion_at ON a1_task_deletion (deleted_at, task_id);
