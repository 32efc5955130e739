package org.tasksync.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every getter's good and bad input, the one message shape for all settings, and credentials never shown. */
class PropertyReaderTest {

    private static final String SECRET = "Zq9!not-for-logs";

    enum Mode { KEEP_ORIGINAL, MOVE }

    private static PropertyReader reader(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return PropertyReader.of(p, "test", "docs/test.md");
    }

    static Stream<Arguments> goodValues() {
        return Stream.of(
                good(" TRUE ", r -> r.bool("k"), true),
                good("false", r -> r.bool("k"), false),
                good(" 42 ", r -> r.integer("k"), 42),
                good("-7", r -> r.integer("k", -10, 10), -7),
                good("9000000000", r -> r.longValue("k"), 9_000_000_000L),
                good("0.25", r -> r.decimal("k"), 0.25),
                good("1500", r -> r.duration("k", ChronoUnit.MILLIS), Duration.ofMillis(1500)),
                good("300", r -> r.secondsOrIsoDuration("k"), Duration.ofMinutes(5)),
                good("PT2M", r -> r.secondsOrIsoDuration("k"), Duration.ofMinutes(2)),
                good("Europe/Vienna", r -> r.zone("k"), ZoneId.of("Europe/Vienna")),
                good("09:15", r -> r.time("k"), LocalTime.of(9, 15)),
                good("keep-original", r -> r.enumValue("k", Mode.class), Mode.KEEP_ORIGINAL),
                good(" Move ", r -> r.enumValue("k", Mode.class), Mode.MOVE),
                good(" a, b ,,c ", r -> r.list("k"), List.of("a", "b", "c")),
                good("  padded  ", r -> r.string("k"), "padded"));
    }

    private static Arguments good(String value, Function<PropertyReader, Optional<?>> getter, Object expected) {
        return Arguments.of(value, getter, expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("goodValues")
    void aGoodValueIsReadAndAnAbsentOneIsEmpty(String value, Function<PropertyReader, Optional<?>> getter,
            Object expected) {
        assertThat(getter.apply(reader("k", value)).orElseThrow()).isEqualTo(expected);
        assertThat(getter.apply(reader("other", value))).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("yes", r -> r.bool("k"), "true or false"),
                bad("ten", r -> r.integer("k"), "a whole number"),
                bad("11", r -> r.integer("k", -10, 10), "between -10 and 10"),
                bad("-11", r -> r.integer("k", -10, 10), "between -10 and 10"),
                bad("1e3", r -> r.longValue("k"), "a whole number"),
                bad("half", r -> r.decimal("k"), "a number"),
                bad("1.5", r -> r.duration("k", ChronoUnit.MILLIS), "a whole number of milliseconds"),
                bad("5 minutes", r -> r.secondsOrIsoDuration("k"), "a number of seconds or an ISO-8601 duration"),
                bad("Mars/Olympus_Mons", r -> r.zone("k"), "a time zone id"),
                bad("25:00", r -> r.time("k"), "a time of day"),
                bad("teleport", r -> r.enumValue("k", Mode.class), "one of keep-original, move"),
                bad("x", r -> r.parsed("k", "a colour", v -> {
                    throw new IllegalArgumentException("no colour " + v);
                }), "a colour"));
    }

    private static Arguments bad(String value, Function<PropertyReader, Optional<?>> getter, String what) {
        return Arguments.of(value, getter, what);
    }

    @ParameterizedTest(name = "{0}: must be {2}")
    @MethodSource("badValues")
    void aBadValueGivesTheOneMessageNamingKeyAndValue(String value, Function<PropertyReader, Optional<?>> getter,
            String what) {
        assertThatThrownBy(() -> getter.apply(reader("k", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("k must be " + what)
                .hasMessageEndingWith(", was '" + value + "'");
    }

    @Test
    void aBadCredentialIsNamedButItsValueIsNot() {
        PropertyReader r = reader("k.secret", SECRET).secrets(List.of("k.secret"));
        assertThatThrownBy(() -> r.integer("k.secret"))
                .hasMessage("k.secret must be a whole number (the value is not shown)");
        assertThat(r.toString()).contains("k.secret").doesNotContain(SECRET);
    }

    @Test
    void aCredentialIsTakenAsGivenOtherValuesTrimmed() {
        PropertyReader r = reader("k.password", " " + SECRET + " ", "k.user", " svc ");
        assertThat(r.secret("k.password")).contains(" " + SECRET + " ");
        assertThat(r.string("k.user")).contains("svc");
    }

    @Test
    void aRequiredKeyThatIsMissingOrEmptyIsNamed() {
        assertThat(reader("k", "v").requiredString("k", "the thing")).isEqualTo("v");
        assertThatThrownBy(() -> reader().requiredString("k", "the URL of the thing"))
                .hasMessage("k is required: the URL of the thing");
        assertThatThrownBy(() -> reader("k", "  ").requiredString("k", "the URL of the thing"))
                .hasMessage("k is required: the URL of the thing");
    }

    @Test
    void anUnknownKeyInAnOwnedNamespaceIsRefusedWithTheKnownKeysNearIt() {
        PropertyReader r = reader("t.tasks.intervall", "5", "t.other.x", "1", "u.y", "2")
                .keys(List.of("t.tasks.interval", "t.tasks.enabled", "t.batch"))
                .prefixes(List.of("t.map."))
                .owns(List.of("t.tasks.", "t.map."));
        assertThatThrownBy(r::rejectUnknown)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t.tasks.intervall: unknown test setting (value '5'); known keys there are "
                        + "[t.tasks.enabled, t.tasks.interval]; see docs/test.md");
    }

    @Test
    void keysUnderAPrefixAndKeysOutsideTheNamespacesPass() {
        PropertyReader r = reader("t.map.Open", " NotStarted ", "t.map.In Progress", "InProgress", "t.other.x", "1")
                .keys(List.of("t.tasks.interval")).prefixes(List.of("t.map.")).owns(List.of("t.tasks.", "t.map."))
                .rejectUnknown();
        assertThat(r.under("t.map.")).isEqualTo(Map.of("t.map.Open", "NotStarted", "t.map.In Progress", "InProgress"));
    }

    @Test
    void anUnknownKeyOfAPartWithCredentialsDoesNotShowItsValue() {
        // a misspelt password key must not repeat the password
        PropertyReader r = reader("t.pasword", SECRET).keys(List.of("t.password", "t.url"))
                .secrets(List.of("t.password")).owns(List.of("t."));
        assertThatThrownBy(r::rejectUnknown)
                .hasMessageContaining("t.pasword: unknown test setting (value not shown)")
                .hasMessageContaining("t.password")
                .message().doesNotContain(SECRET);
    }

    @Test
    void builderChecksGiveTheSameMessage() {
        assertThat(PropertyReader.checkBetween("k", 5, 1, 5)).isEqualTo(5);
        assertThatThrownBy(() -> PropertyReader.checkBetween("k", 0, 1, 5)).hasMessage("k must be between 1 and 5, was '0'");
        assertThatThrownBy(() -> PropertyReader.checkBetween("k", 6L, 1L, 5L)).hasMessage("k must be between 1 and 5, was '6'");
        assertThat(PropertyReader.checkAtLeast("k", 1, 1)).isEqualTo(1);
        assertThatThrownBy(() -> PropertyReader.checkAtLeast("k", 0, 1)).hasMessage("k must be at least 1, was '0'");
        assertThat(PropertyReader.invalidSecret("k", "set").getMessage()).isEqualTo("k must be set (the value is not shown)");
    }

    @Test
    void prefixesAndNamespacesMustEndInADot() {
        assertThatThrownBy(() -> reader().prefixes(List.of("t.map"))).hasMessageContaining("'t.map'");
        assertThatThrownBy(() -> reader().owns(List.of("t"))).hasMessageContaining("'t'");
    }
}
