package org.tasksync.spring.boot;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;

/** A CRM in H2 with the reference schema and its demo rows, and the names tests give the simulators. */
final class Fixtures {

    static final String EWS_USER = "svc-tasksync";
    /** Distinctive, so that a test finding it anywhere in an output means it leaked. */
    static final String EWS_PASSWORD = "Pw-7f3c!tasksync-secret";
    /** The two reps of {@link ReferenceCrm#insertDemoRows} that take part. */
    static final List<String> MAILBOXES = List.of("ada.lovelace@example.com", "bob.kahn@example.com");

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private Fixtures() {
    }

    /** A new in-memory H2 database (kept open until the JVM ends) holding the demo CRM; returns its URL. */
    static String demoCrm() {
        String url = "jdbc:h2:mem:crm" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        // the user Spring Boot's DataSource takes for an embedded database; the first user owns an H2 database
        ds.setUser("sa");
        ReferenceCrm crm = ReferenceCrm.of(ds).createSchema();
        crm.insertDemoRows(LocalDate.now(ZoneOffset.UTC));
        return url;
    }
}
