-- tasksync reference schema of the CRM side, Microsoft SQL Server 2016 or later.
-- A1 tasks and reps as JdbcCrmSettings.ofDefaults() expects them; see docs/jdbc-crm.md.
-- For a DBA to run once (plain CREATE: T-SQL has no CREATE TABLE with an existence test for
-- tables); ReferenceCrm.createSchema() runs the H2 and PostgreSQL schemas only.
-- Text columns are NVARCHAR: the JDBC driver sends strings as Unicode by default, and an NVARCHAR
-- parameter against a VARCHAR key column is converted per row, which turns an index seek into a scan.
-- Times are DATETIMEOFFSET(6): an instant with its offset, compared as instants (datetimeoffset).

CREATE TABLE crm_rep (
    id            NVARCHAR(40)   NOT NULL PRIMARY KEY,
    display_name  NVARCHAR(200),
    email         NVARCHAR(320),
    time_zone     NVARCHAR(64),
    sync_enabled  BIT            NOT NULL DEFAULT 1
);

CREATE TABLE a1_task (
    id                 NVARCHAR(40)      NOT NULL PRIMARY KEY,
    rep_id             NVARCHAR(40),
    created_by_rep_id  NVARCHAR(40),
    start_date         DATE,
    due_date           DATE,
    status             SMALLINT,
    priority           SMALLINT,
    percent_complete   INT,
    complete_date      DATE,
    reminder_duration  INT,
    reminder_unit      SMALLINT,
    subject            NVARCHAR(2000),
    comments           NVARCHAR(MAX),
    modified_at        DATETIMEOFFSET(6) NOT NULL DEFAULT SYSDATETIMEOFFSET(),
    deleted            BIT               NOT NULL DEFAULT 0,
    -- the day the task is scheduled for (SPEC 5): due date, else start date; PERSISTED so that it
    -- can be indexed (computed columns: deterministic and precise)
    scheduled_day      AS COALESCE(due_date, start_date) PERSISTED
);

-- changesSince: keyset on (modification time, id)
CREATE INDEX a1_task_modified ON a1_task (modified_at, id);
-- tasksInTimeFrame, read rep by rep: keyset on (rep, scheduled day, id) within one rep, the next
-- rep, and a rep's unscheduled (NULL) tasks
CREATE INDEX a1_task_rep ON a1_task (rep_id, scheduled_day, id);
-- tasksInTimeFrame, sorted (reads of a few pages, such as the days entering the window): the day range
CREATE INDEX a1_task_scheduled ON a1_task (scheduled_day, id);

-- For CRMs that delete rows instead of marking them (tasksync.crm.jdbc.deletion-log.table).
CREATE TABLE a1_task_deletion (
    task_id     NVARCHAR(40)      NOT NULL,
    deleted_at  DATETIMEOFFSET(6) NOT NULL
);
CREATE INDEX a1_task_deletion_at ON a1_task_deletion (deleted_at, task_id);
