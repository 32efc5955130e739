package org.tasksync.examples.csvcrm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.TimeFrameQuery;

/** The files as a CRM export writes them by hand, and what the adapter makes of them. */
class CsvCrmFilesTest {

    @TempDir
    Path folder;

    @Test
    void aHandWrittenExportIsReadWithItsBadRowReported() throws Exception {
        Files.writeString(folder.resolve("reps.csv"), """
                id,display_name,email,time_zone,enabled
                R-ADA,Ada Lovelace,ada@example.com,Europe/London,true
                R-BOB,Bob Kahn,,,false
                """, UTF_8);
        Files.writeString(folder.resolve("tasks.csv"), """
                id,rep,created_by,start_date,due_date,status,priority,percent_complete,complete_date,reminder_duration,reminder_unit,subject,comments,modified_at,deleted,change_no
                A1:1-1,R-ADA,R-BOB,,2031-05-12,In Progress,High,40,,15,minutes,"Call Contoso, then Fabrikam","Line one
                line ""two""\",2031-05-01T08:00:00Z,false,1
                A1:1-2,R-ADA,,,,Postponed,Normal,0,,,,Tidy up,,2031-05-01T08:00:01Z,false,2
                A1:1-3,R-ADA,,,,Open,Normal,0,,,,"",,2031-05-01T08:00:02Z,false,3
                """, UTF_8);
        CsvCrmAdapter adapter = new CsvCrmAdapter(CsvCrmFiles.open(folder, Clock.systemUTC()));

        assertThat(adapter.reps()).containsExactly(
                new Rep("R-ADA", "Ada Lovelace", "ada@example.com", ZoneId.of("Europe/London"), true),
                new Rep("R-BOB", "Bob Kahn", null, null, false));
        CrmPage page = adapter.changesSince(null, 10);
        assertThat(page.tasks()).extracting(CrmTask::id).containsExactly("A1:1-1", "A1:1-3");
        CrmTask first = page.tasks().get(0);
        assertThat(first.subject()).isEqualTo("Call Contoso, then Fabrikam");
        assertThat(first.comments()).isEqualTo("Line one\nline \"two\"");
        assertThat(first.dueDate()).isEqualTo(LocalDate.of(2031, 5, 12));
        assertThat(first.reminderDuration()).isEqualTo(15);
        assertThat(page.tasks().get(1).subject()).as("a quoted empty field is empty text, not missing").isEmpty();
        assertThat(page.errors()).extracting(TaskError::taskId, TaskError::field, TaskError::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A1:1-2", "#2 Status", "Postponed"));
        assertThat(page.next()).isEqualTo("3");
    }

    @Test
    void savesAreReadableCsvWithAChangeNumberEach() throws Exception {
        CsvCrmFiles files = CsvCrmFiles.open(folder, Clock.systemUTC());
        files.putTask(CrmTask.builder("A1:1-1").repId("R-ADA").subject("Say \"hello\", then leave").comments("")
                .build());
        files.putTask(CrmTask.builder("A1:1-2").repId("R-ADA").subject("Second").dueDate(LocalDate.of(2031, 5, 12))
                .build());
        files.deleteTask("A1:1-1");

        List<String> lines = Files.readAllLines(folder.resolve("tasks.csv"), UTF_8);
        assertThat(lines.get(0)).isEqualTo(String.join(",", CsvCrmFiles.TASK_COLUMNS));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("A1:1-2,R-ADA,,,2031-05-12,Open,Normal,0,")
                .endsWith(",false,2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("A1:1-1,").contains(",\"Say \"\"hello\"\", then leave\",\"\",")
                .endsWith(",true,3"));
        CsvCrmAdapter adapter = new CsvCrmAdapter(files);
        assertThat(adapter.tasksInTimeFrame(new TimeFrameQuery(LocalDate.of(2031, 5, 1), LocalDate.of(2031, 5, 31),
                true, null), null, 10).tasks()).extracting(CrmTask::id).containsExactly("A1:1-2");
    }
}
