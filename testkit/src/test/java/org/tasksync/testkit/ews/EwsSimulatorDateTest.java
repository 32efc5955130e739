package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tasksync.testkit.ews.RawEws.MAILBOX;
import static org.tasksync.testkit.ews.RawEws.text;
import static org.tasksync.testkit.ews.RawEws.timeZoneContext;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Task dates as Exchange documents them: a calendar date taken in the zone of the request's
 * {@code TimeZoneContext} header, UTC without one (Microsoft's TimeZoneContext element page), kept at
 * 12:00 midnight (MS-OXOTASK PidLidTaskStartDate/PidLidTaskDueDate/PidLidTaskDateCompleted) and handed
 * back by the same rule; and what Status, PercentComplete and CompleteDate do to each other (Status
 * element page, Remarks).
 */
class EwsSimulatorDateTest {

    private static final String BERLIN = timeZoneContext("W. Europe Standard Time");
    private static final String AUCKLAND = timeZoneContext("New Zealand Standard Time");
    private static final String HONOLULU = timeZoneContext("Hawaiian Standard Time");
    private static final String NO_HEADER = "";
    private static final String DUE = "<t:FieldURI FieldURI=\"task:DueDate\"/>";
    private static final String COMPLETE = "<t:FieldURI FieldURI=\"task:CompleteDate\"/>";
    private static final String STATUS = "<t:FieldURI FieldURI=\"task:Status\"/>";
    private static final String PERCENT = "<t:FieldURI FieldURI=\"task:PercentComplete\"/>";

    /** 2026-05-04 12:30 UTC: 14:30 in Berlin, 00:30 on the 5th in Auckland, 02:30 in Honolulu. */
    private static final Instant NOW = Instant.parse("2026-05-04T12:30:00Z");

    private EwsSimulator ews;
    private RawEws raw;

    @BeforeEach
    void start() {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
        raw = new RawEws(ews);
    }

    @AfterEach
    void stop() {
        ews.close();
        ews.assertNoResponseErrors();
    }

    private LocalDate dueInOutlook(String itemId) {
        return ews.outlook(MAILBOX).task(itemId).orElseThrow().dueDate();
    }

    private static String extended(int id) {
        return "<t:ExtendedFieldURI DistinguishedPropertySetId=\"Task\" PropertyId=\"" + id
                + "\" PropertyType=\"SystemTime\"/>";
    }

    @Test
    void withoutTheHeaderADateTimeIsTakenInUtc() throws Exception {
        // what the old adapter sent for a Berlin rep's 2026-05-04: 00:00 Berlin
        String id = raw.create(NO_HEADER, "<t:DueDate>2026-05-03T22:00:00Z</t:DueDate>");

        assertThat(dueInOutlook(id)).as("the date in UTC, the day before").isEqualTo(LocalDate.of(2026, 5, 3));
        assertThat(text(raw.get(NO_HEADER, id, DUE), "t:DueDate")).isEqualTo("2026-05-03T00:00:00Z");
    }

    @Test
    void utcMidnightWithoutTheHeaderIsTheDateItself() throws Exception {
        String id = raw.create(NO_HEADER, "<t:DueDate>2026-05-06T00:00:00Z</t:DueDate>"
                + "<t:StartDate>2026-05-04T00:00:00Z</t:StartDate>");

        OutlookTask t = ews.outlook(MAILBOX).task(id).orElseThrow();
        assertThat(t.startDate()).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(t.dueDate()).isEqualTo(LocalDate.of(2026, 5, 6));
    }

    @Test
    void theHeaderScopesTheDateToItsZoneBothWays() throws Exception {
        String berlin = raw.create(BERLIN, "<t:DueDate>2026-05-03T22:00:00Z</t:DueDate>");
        String auckland = raw.create(AUCKLAND, "<t:DueDate>2026-05-03T12:00:00Z</t:DueDate>");
        String honolulu = raw.create(HONOLULU, "<t:DueDate>2026-05-04T10:00:00Z</t:DueDate>");

        assertThat(dueInOutlook(berlin)).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(dueInOutlook(auckland)).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(dueInOutlook(honolulu)).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(text(raw.get(BERLIN, berlin, DUE), "t:DueDate")).isEqualTo("2026-05-04T00:00:00+02:00");
        assertThat(text(raw.get(HONOLULU, berlin, DUE), "t:DueDate")).isEqualTo("2026-05-04T00:00:00-10:00");
        assertThat(text(raw.get(NO_HEADER, auckland, DUE), "t:DueDate")).isEqualTo("2026-05-04T00:00:00Z");
    }

    @Test
    void aDateTimeWithoutOffsetIsATimeOfTheRequestsZone() throws Exception {
        String id = raw.create(AUCKLAND, "<t:DueDate>2026-05-04T00:00:00</t:DueDate>");

        assertThat(dueInOutlook(id)).isEqualTo(LocalDate.of(2026, 5, 4));
    }

    @Test
    void onADstChangeDayTheDateIsKept() throws Exception {
        // Berlin goes to summer time at 02:00 on 2026-03-29; Santiago (Pacific SA) skips 00:00 on 2026-09-06
        String berlin = raw.create(BERLIN, "<t:DueDate>2026-03-28T23:00:00Z</t:DueDate>");
        String santiago = raw.create(timeZoneContext("Pacific SA Standard Time"),
                "<t:DueDate>2026-09-06T05:00:00Z</t:DueDate>");

        assertThat(dueInOutlook(berlin)).isEqualTo(LocalDate.of(2026, 3, 29));
        assertThat(dueInOutlook(santiago)).isEqualTo(LocalDate.of(2026, 9, 6));
    }

    @Test
    void theMapiDatePropertiesShowTheDateAsOutlookDoes() throws Exception {
        String id = raw.create(BERLIN, "<t:CompleteDate>2026-05-01T22:00:00Z</t:CompleteDate>"
                + "<t:DueDate>2026-05-03T22:00:00Z</t:DueDate>"
                + "<t:StartDate>2026-04-30T22:00:00Z</t:StartDate>");

        assertThat(text(raw.get(NO_HEADER, id, extended(0x8104)), "t:Value"))
                .as("PidLidTaskStartDate: midnight of the date itself").isEqualTo("2026-05-01T00:00:00Z");
        assertThat(text(raw.get(HONOLULU, id, extended(0x8105)), "t:Value"))
                .as("PidLidTaskDueDate does not depend on the reader's zone").isEqualTo("2026-05-04T00:00:00Z");
        assertThat(text(raw.get(NO_HEADER, id, extended(0x810F)), "t:Value"))
                .as("PidLidTaskDateCompleted: midnight in the writer's zone, in UTC").isEqualTo("2026-05-01T22:00:00Z");
    }

    @Test
    void writingTheMapiDueDateSetsTheTasksDueDate() throws Exception {
        String id = raw.create(NO_HEADER, "<t:ExtendedProperty>" + extended(0x8105)
                + "<t:Value>2026-05-09T00:00:00Z</t:Value></t:ExtendedProperty>");

        assertThat(dueInOutlook(id)).isEqualTo(LocalDate.of(2026, 5, 9));
        assertThat(text(raw.get(BERLIN, id, DUE), "t:DueDate")).isEqualTo("2026-05-09T00:00:00+02:00");
    }

    @Test
    void completingATaskSetsTodayInTheRequestsZone() throws Exception {
        String auckland = raw.create(AUCKLAND, "<t:Status>Completed</t:Status>");
        String honolulu = raw.create(HONOLULU, "<t:PercentComplete>100</t:PercentComplete>");
        String utc = raw.create(NO_HEADER, "<t:Status>Completed</t:Status>");

        assertThat(ews.outlook(MAILBOX).task(auckland).orElseThrow().completeDate()).isEqualTo(LocalDate.of(2026, 5, 5));
        assertThat(ews.outlook(MAILBOX).task(honolulu).orElseThrow().completeDate()).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(ews.outlook(MAILBOX).task(utc).orElseThrow().completeDate()).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(text(raw.get(AUCKLAND, auckland, COMPLETE), "t:CompleteDate")).isEqualTo("2026-05-05T00:00:00+12:00");
    }

    @Test
    void theCompleteDateIsACalendarDateLikeTheOthers() throws Exception {
        String id = raw.create(NO_HEADER, "<t:CompleteDate>2026-05-01T22:00:00Z</t:CompleteDate>");

        OutlookTask t = ews.outlook(MAILBOX).task(id).orElseThrow();
        assertThat(t.completeDate()).isEqualTo(LocalDate.of(2026, 5, 1));
        assertThat(t.status()).as("setting CompleteDate completes the task").isEqualTo("Completed");
        assertThat(t.percentComplete()).isEqualTo(100.0);
    }

    @Test
    void theLastOfStatusPercentAndCompleteDateDecides() throws Exception {
        // the example of Microsoft's Status element page, in the order given there
        String id = raw.create(NO_HEADER, "<t:CompleteDate>2026-05-01T00:00:00Z</t:CompleteDate>"
                + "<t:PercentComplete>100</t:PercentComplete><t:Status>NotStarted</t:Status>");
        OutlookTask t = ews.outlook(MAILBOX).task(id).orElseThrow();
        assertThat(t.status()).isEqualTo("NotStarted");
        assertThat(t.completeDate()).isNull();
        assertThat(t.percentComplete()).isZero();

        HttpResponse<String> r = raw.post(NO_HEADER, """
                <m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s"/><t:Updates>
                    <t:SetItemField><t:FieldURI FieldURI="task:Status"/><t:Task><t:Status>NotStarted</t:Status></t:Task></t:SetItemField>
                    <t:SetItemField><t:FieldURI FieldURI="task:CompleteDate"/><t:Task><t:CompleteDate>2026-05-02T00:00:00Z</t:CompleteDate></t:Task></t:SetItemField>
                  </t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id));
        assertThat(r.body()).contains("NoError");
        String back = raw.get(NO_HEADER, id, STATUS + PERCENT + COMPLETE);
        assertThat(text(back, "t:Status")).isEqualTo("Completed");
        assertThat(text(back, "t:PercentComplete")).isEqualTo("100");
        assertThat(text(back, "t:CompleteDate")).isEqualTo("2026-05-02T00:00:00Z");
    }

    @Test
    void notStartedAndInProgressAreTiedToThePercentAndTheLastWrittenDecides() throws Exception {
        // MS-OXOTASK 2.2.2.2.2: NotStarted MUST have 0 %, InProgress more than 0 and less than 100 %.
        // TaskType's schema order puts PercentComplete before Status: the status is written last.
        String id = raw.create(NO_HEADER, "<t:PercentComplete>40</t:PercentComplete><t:Status>NotStarted</t:Status>");
        OutlookTask t = ews.outlook(MAILBOX).task(id).orElseThrow();
        assertThat(t.status()).isEqualTo("NotStarted");
        assertThat(t.percentComplete()).as("NotStarted written last sets 0 %").isZero();

        assertThat(update(id, "<t:SetItemField><t:FieldURI FieldURI=\"task:Status\"/><t:Task><t:Status>NotStarted</t:Status></t:Task></t:SetItemField>"
                + "<t:SetItemField><t:FieldURI FieldURI=\"task:PercentComplete\"/><t:Task><t:PercentComplete>40</t:PercentComplete></t:Task></t:SetItemField>"))
                .contains("NoError");
        String back = raw.get(NO_HEADER, id, STATUS + PERCENT);
        assertThat(text(back, "t:Status")).as("40 % written last makes it InProgress").isEqualTo("InProgress");
        assertThat(text(back, "t:PercentComplete")).isEqualTo("40");

        assertThat(update(id, "<t:SetItemField><t:FieldURI FieldURI=\"task:PercentComplete\"/><t:Task><t:PercentComplete>0</t:PercentComplete></t:Task></t:SetItemField>"))
                .contains("NoError");
        back = raw.get(NO_HEADER, id, STATUS + PERCENT);
        assertThat(text(back, "t:Status")).as("0 % on InProgress makes it NotStarted").isEqualTo("NotStarted");

        String refused = update(id, "<t:SetItemField><t:FieldURI FieldURI=\"item:Subject\"/><t:Task><t:Subject>changed</t:Subject></t:Task></t:SetItemField>"
                + "<t:SetItemField><t:FieldURI FieldURI=\"task:Status\"/><t:Task><t:Status>InProgress</t:Status></t:Task></t:SetItemField>");
        assertThat(refused).as("InProgress at 0 percent has no documented percent: refused").contains("ErrorInvalidValueForProperty", "InProgress");
        assertThat(ews.outlook(MAILBOX).task(id).orElseThrow().status()).as("nothing written").isEqualTo("NotStarted");
        assertThat(ews.outlook(MAILBOX).task(id).orElseThrow().subject()).isNotEqualTo("changed");
    }

    private String update(String id, String updates) throws Exception {
        return raw.post(NO_HEADER, """
                <m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly">
                  <m:ItemChanges><t:ItemChange><t:ItemId Id="%s"/><t:Updates>%s</t:Updates></t:ItemChange></m:ItemChanges>
                </m:UpdateItem>""".formatted(id, updates)).body();
    }

    @Test
    void theHeaderIsTheDefaultZoneOfEveryDateTimePropertyWrittenAndRead() throws Exception {
        // TimeZoneContext element page: the default zone for the DateTime properties of objects that are
        // created, updated and retrieved; not only the task dates
        String id = raw.create(BERLIN, "<t:ReminderDueBy>2026-05-06T08:00:00</t:ReminderDueBy>"
                + "<t:ReminderIsSet>true</t:ReminderIsSet>");
        assertThat(ews.outlook(MAILBOX).task(id).orElseThrow().reminderDueBy())
                .as("a date-time without offset is a time of the header's zone")
                .isEqualTo(Instant.parse("2026-05-06T06:00:00Z"));

        String reminder = "<t:FieldURI FieldURI=\"item:ReminderDueBy\"/>";
        String created = "<t:FieldURI FieldURI=\"item:DateTimeCreated\"/>";
        String inBerlin = raw.get(BERLIN, id, reminder + created);
        assertThat(text(inBerlin, "t:ReminderDueBy")).isEqualTo("2026-05-06T08:00:00+02:00");
        assertThat(text(inBerlin, "t:DateTimeCreated")).isEqualTo("2026-05-04T14:30:00+02:00");
        String inUtc = raw.get(NO_HEADER, id, reminder + created);
        assertThat(text(inUtc, "t:ReminderDueBy")).isEqualTo("2026-05-06T06:00:00Z");
        assertThat(text(inUtc, "t:DateTimeCreated")).isEqualTo("2026-05-04T12:30:00Z");

        String withOffset = raw.create(HONOLULU, "<t:ReminderDueBy>2026-05-06T08:00:00Z</t:ReminderDueBy>");
        assertThat(ews.outlook(MAILBOX).task(withOffset).orElseThrow().reminderDueBy())
                .as("an offset names the instant whatever the header").isEqualTo(Instant.parse("2026-05-06T08:00:00Z"));
    }

    @Test
    void anUnknownWindowsZoneIsRefused() throws Exception {
        HttpResponse<String> r = raw.post(timeZoneContext("Mars Standard Time"), """
                <m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>
                  <m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>""");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ErrorTimeZone", "Mars Standard Time");
    }

    @Test
    void aTimeZoneContextWithoutDefinitionFailsSchemaValidation() throws Exception {
        assumeTrue(ews.validatesSchema(), EwsSchema.NOT_FOUND); // a rule of the schema, checked only with it
        HttpResponse<String> r = raw.post("<t:TimeZoneContext/>", """
                <m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>
                  <m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>""");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ErrorSchemaValidation");
    }

    @Test
    void ewsJavaApiWithoutTheHeaderReadsUtcMidnight() throws Exception {
        try (ExchangeService service = EwsClient.impersonating(ews, MAILBOX)) {
            Task t = new Task(service);
            t.setSubject("From ews-java-api");
            t.setDueDate(Date.from(Instant.parse("2026-05-04T00:00:00Z")));
            t.save(WellKnownFolderName.Tasks);

            assertThat(dueInOutlook(t.getId().getUniqueId())).isEqualTo(LocalDate.of(2026, 5, 4));
            Task back = Task.bind(service, new ItemId(t.getId().getUniqueId()),
                    new PropertySet(BasePropertySet.IdOnly, TaskSchema.DueDate));
            assertThat(back.getDueDate().toInstant()).isEqualTo(Instant.parse("2026-05-04T00:00:00Z"));
        }
    }
}
