-- tasksync change notifications for the reference schema, PostgreSQL 12 or later. Optional: install
-- it to let the JDBC CRM adapter's change feed (live sync) hear of task changes within a second;
-- without it the adapter polls. Statement by statement in docs/jdbc-crm.md "Change notifications".
-- Table a1_task, id column id and channel tasksync_task_change are the reference schema's and the
-- default of tasksync.crm.jdbc.notify-channel; adapt them to the CRM's names.

CREATE OR REPLACE FUNCTION tasksync_a1_task_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    task_id text;
BEGIN
    -- the adapter's own status write-backs mark their transaction; they are not echoed
    IF current_setting('tasksync.origin', true) = 'engine' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        task_id := OLD.id;
    ELSE
        task_id := NEW.id;
    END IF;
    -- a payload must stay below 8000 bytes; an empty one says "some task, catch up"
    IF octet_length(task_id) > 1000 THEN
        task_id := '';
    END IF;
    PERFORM pg_notify('tasksync_task_change', task_id);
    IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN
        PERFORM pg_notify('tasksync_task_change', CASE WHEN octet_length(OLD.id) > 1000 THEN '' ELSE OLD.id END);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS tasksync_a1_task_notify ON a1_task;

CREATE TRIGGER tasksync_a1_task_notify AFTER INSERT OR UPDATE OR DELETE ON a1_task
    FOR EACH ROW EXECUTE FUNCTION tasksync_a1_task_notify();
