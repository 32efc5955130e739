package org.tasksync.examples.probe;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The probe's checks as they are made: each is printed at once as {@code PASS}, {@code FAIL} or
 * {@code SKIP} with what held and what did not, and the exit code sums them up.
 *
 * <p>Every line passes through {@link #scrub}: the credentials the probe was given are replaced by
 * {@code ****} wherever a server's or a library's message might echo them. Not thread-safe.
 */
final class ProbeReport {

    /** The outcome of one check. */
    enum Verdict { PASS, FAIL, SKIP }

    /** One check: a short stable name, its outcome, and what held or did not, in the server's words. */
    record Check(String name, Verdict verdict, String text) {
    }

    /** Every check passed. */
    static final int ALL_PASSED = 0;
    /** At least one check failed. */
    static final int FAILED = 1;
    /** Wrong arguments or configuration: nothing was checked. */
    static final int USAGE = 2;
    /** None failed, but some were not judged (the server did not say enough): look at them by hand. */
    static final int NOT_ALL_JUDGED = 3;

    private final PrintStream out;
    private final List<String> secrets = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    ProbeReport(PrintStream out, Collection<String> secrets) {
        this.out = out;
        for (String s : secrets) {
            // a one- or two-character "secret" would blank out ordinary text; such a value protects nothing anyway
            if (s != null && s.length() >= 3) {
                this.secrets.add(s);
            }
        }
    }

    void line(String text) {
        out.println(scrub(text));
    }

    void pass(String name, String text) {
        add(name, Verdict.PASS, text);
    }

    void fail(String name, String text) {
        add(name, Verdict.FAIL, text);
    }

    void skip(String name, String text) {
        add(name, Verdict.SKIP, text);
    }

    private void add(String name, Verdict verdict, String text) {
        Check c = new Check(name, verdict, scrub(text));
        checks.add(c);
        out.printf(Locale.ROOT, "%-4s  %-18s  %s%n", verdict, name, c.text());
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    int exitCode() {
        if (checks.stream().anyMatch(c -> c.verdict() == Verdict.FAIL)) {
            return FAILED;
        }
        return checks.stream().anyMatch(c -> c.verdict() == Verdict.SKIP) ? NOT_ALL_JUDGED : ALL_PASSED;
    }

    /** Prints the count of each outcome and what the exit code means. */
    void summary() {
        long pass = count(Verdict.PASS);
        long fail = count(Verdict.FAIL);
        long skip = count(Verdict.SKIP);
        String meaning = switch (exitCode()) {
            case ALL_PASSED -> "the mailbox is ready for the first cycle";
            case FAILED -> "fix what failed before the first cycle";
            default -> "nothing failed, but what was skipped must be checked by hand";
        };
        out.printf(Locale.ROOT, "%d passed, %d failed, %d skipped: %s (exit %d)%n", pass, fail, skip, meaning, exitCode());
    }

    private long count(Verdict v) {
        return checks.stream().filter(c -> c.verdict() == v).count();
    }

    String scrub(String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, "****");
        }
        return s;
    }
}
