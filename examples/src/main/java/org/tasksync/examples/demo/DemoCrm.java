package org.tasksync.examples.demo;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;

/**
 * The demo's CRM data, written into the reference schema: reps in different time zones (one of them
 * disabled for the connector), a few hundred A1 tasks spread over the time frame and just outside
 * it with every status, priority and reminder unit, the four tasks the demo's reps then work on in
 * Outlook, and one task whose status code the CRM's catalog does not know.
 *
 * <p>The data is the same on every run (a fixed random seed), only its dates move with
 * {@code today}.
 */
public final class DemoCrm {

    /** Ada completes this task in Outlook. */
    public static final String COMPLETED_IN_OUTLOOK = "A1:100-1";
    /** Bob defers this task in Outlook. */
    public static final String DEFERRED_IN_OUTLOOK = "A1:100-2";
    /** Emi sets this task to "waiting on someone else" in Outlook. */
    public static final String WAITING_IN_OUTLOOK = "A1:100-3";
    /** Finn deletes this task in Outlook. */
    public static final String DELETED_IN_OUTLOOK = "A1:100-4";
    /** Stored with status code 99, which the status catalog does not have. */
    public static final String BAD_TASK = "A1:100-99";
    /** The raw status code of {@link #BAD_TASK}. */
    public static final String BAD_STATUS_CODE = "99";

    /** Generated tasks per rep. */
    static final int TASKS_PER_REP = 36;

    /** The reps: eight take part, each in a time zone of its own (Hana has none: the default zone applies); Ivo is disabled. */
    public static final List<Rep> REPS = List.of(
            new Rep("R-ADA", "Ada Lovelace", "ada.lovelace@example.com", ZoneId.of("Europe/London"), true),
            new Rep("R-BOB", "Bob Kahn", "bob.kahn@example.com", ZoneId.of("America/New_York"), true),
            new Rep("R-CHI", "Chiara Rossi", "chiara.rossi@example.com", ZoneId.of("Europe/Rome"), true),
            new Rep("R-DEV", "Dev Patel", "dev.patel@example.com", ZoneId.of("Asia/Kolkata"), true),
            new Rep("R-EMI", "Emi Tanaka", "emi.tanaka@example.com", ZoneId.of("Asia/Tokyo"), true),
            new Rep("R-FIN", "Finn Murphy", "finn.murphy@example.com", ZoneId.of("Australia/Sydney"), true),
            new Rep("R-GIL", "Gil Santos", "gil.santos@example.com", ZoneId.of("America/Sao_Paulo"), true),
            new Rep("R-HAN", "Hana Kahale", "hana.kahale@example.com", null, true),
            new Rep("R-IVO", "Ivo Novak", "ivo.novak@example.com", ZoneId.of("Europe/Prague"), false));

    private static final String[] ACTIONS = {"Call", "Email", "Visit", "Send the quote to", "Follow up with",
        "Prepare the offer for", "Renew the contract with", "Demo the new release to", "Invite to the trade fair:",
        "Check the open invoices of"};
    private static final String[] CUSTOMERS = {"Contoso", "Fabrikam", "Northwind", "Tailspin Toys", "Adventure Works",
        "Wide World Importers", "Litware", "Proseware", "Woodgrove Bank", "Alpine Ski House", "Coho Winery",
        "Fourth Coffee"};
    private static final String[] STATUSES = {"Open", "Open", "Open", "In Progress", "In Progress", "Completed", "Missed"};
    private static final String[] PRIORITIES = {"Low", "Normal", "Normal", "High"};
    private static final String[] REMINDER_UNITS = {"minutes", "hours", "days", "weeks"};
    private static final int[] REMINDER_DURATIONS = {15, 2, 1, 1};

    private final ReferenceCrm crm;
    private int tasks;

    private DemoCrm(ReferenceCrm crm) {
        this.crm = crm;
    }

    /**
     * Writes the reps and tasks around {@code today} into {@code crm} (whose schema exists) for a time
     * frame of {@code pastDays} and {@code futureDays}; a few tasks lie just outside it.
     *
     * @return the number of tasks written
     */
    public static int fill(ReferenceCrm crm, LocalDate today, int pastDays, int futureDays) {
        DemoCrm demo = new DemoCrm(crm);
        REPS.forEach(crm::putRep);
        demo.storyTasks(today);
        demo.generatedTasks(today, pastDays, futureDays);
        return demo.tasks;
    }

    /** The tasks the demo's story is about, with ids the demo knows. */
    private void storyTasks(LocalDate today) {
        put(CrmTask.builder(COMPLETED_IN_OUTLOOK).repId("R-ADA").createdByRepId("R-BOB")
                .subject("Call Contoso about the renewal").dueDate(today.plusDays(2)).priority("High")
                .reminder(30, "minutes").comments("Ask for the signed order form.").build());
        put(CrmTask.builder(DEFERRED_IN_OUTLOOK).repId("R-BOB").createdByRepId("R-BOB")
                .subject("Send the quote to Fabrikam").startDate(today.minusDays(3)).dueDate(today.plusDays(1))
                .status("In Progress").percentComplete(40).build());
        put(CrmTask.builder(WAITING_IN_OUTLOOK).repId("R-EMI").createdByRepId("R-ADA")
                .subject("Book the booth for the Osaka trade fair").dueDate(today.plusDays(20)).priority("Low")
                .reminder(1, "weeks").build());
        put(CrmTask.builder(DELETED_IN_OUTLOOK).repId("R-FIN").createdByRepId("R-FIN")
                .subject("Clean up the lead list").startDate(today.plusDays(5)).build());
        tasks++;
        crm.putTask(CrmTask.builder(BAD_TASK).repId("R-CHI").createdByRepId("R-CHI")
                .subject("Imported from the old CRM").dueDate(today.plusDays(4)).build(), BAD_STATUS_CODE);
    }

    /**
     * {@link #TASKS_PER_REP} tasks per rep: most are due within the time frame, some start without a
     * due date or have no date at all, and one in ten lies up to ten days outside the frame.
     */
    private void generatedTasks(LocalDate today, int pastDays, int futureDays) {
        Random random = new Random(20240531);
        int serial = 1000;
        for (Rep rep : REPS) {
            for (int i = 0; i < TASKS_PER_REP; i++) {
                String id = "A1:100-" + serial++;
                CrmTask.Builder t = CrmTask.builder(id).repId(rep.id())
                        .createdByRepId(REPS.get(random.nextInt(REPS.size())).id())
                        .subject(pick(random, ACTIONS) + " " + pick(random, CUSTOMERS))
                        .priority(pick(random, PRIORITIES));
                int kind = random.nextInt(20);
                int dayInFrame = random.nextInt(pastDays + futureDays + 1) - pastDays;
                if (kind < 2) {
                    // just outside the time frame, before or after it
                    int beyond = 1 + random.nextInt(10);
                    t.dueDate(kind == 0 ? today.minusDays(pastDays + beyond) : today.plusDays(futureDays + beyond));
                } else if (kind < 4) {
                    t.startDate(today.plusDays(dayInFrame));
                } else if (kind < 5) {
                    // no date at all: open-ended, always taking part
                } else {
                    LocalDate due = today.plusDays(dayInFrame);
                    t.dueDate(due);
                    if (random.nextBoolean()) {
                        t.startDate(due.minusDays(random.nextInt(10)));
                    }
                }
                String status = pick(random, STATUSES);
                t.status(status);
                switch (status) {
                    case "In Progress" -> t.percentComplete(10 * (1 + random.nextInt(9)));
                    case "Completed" -> t.percentComplete(100).completeDate(today.minusDays(random.nextInt(5)));
                    default -> t.percentComplete(0);
                }
                if (random.nextInt(3) == 0) {
                    int unit = random.nextInt(REMINDER_UNITS.length);
                    t.reminder(REMINDER_DURATIONS[unit], REMINDER_UNITS[unit]);
                }
                if (random.nextInt(4) == 0) {
                    t.comments("Contact: " + pick(random, CUSTOMERS) + " sales office.\nSee the account notes.");
                }
                put(t.build());
            }
        }
    }

    private void put(CrmTask task) {
        crm.putTask(task);
        tasks++;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
