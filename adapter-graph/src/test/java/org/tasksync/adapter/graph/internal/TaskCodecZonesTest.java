package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The Windows names of zones that TaskCodec remembers: ICU's answers, asked again or not. */
class TaskCodecZonesTest {

    @Test
    void remembersIcusAnswersWithoutChangingThem() {
        for (String id : ZoneId.getAvailableZoneIds()) {
            ZoneId zone = ZoneId.of(id);
            String icu = com.ibm.icu.util.TimeZone.getWindowsID(id);
            assertThat(TaskCodec.windowsName(zone)).as("first time, %s", id).isEqualTo(icu);
            assertThat(TaskCodec.windowsName(zone)).as("remembered, %s", id).isEqualTo(icu);
        }
        assertThat(TaskCodec.windowsName(ZoneOffset.UTC)).isEqualTo("UTC");
        assertThat(TaskCodec.windowsName(ZoneOffset.ofHours(2))).as("a bare offset has no Windows name").isNull();
    }

    @Test
    void namesFromGraphAreLookedUpTheSameWhetherRememberedOrNot() {
        // more names than are remembered: past the bound the answers are looked up every time, and still right
        for (int i = 0; i < TaskCodec.MAX_REMEMBERED + 50; i++) {
            assertThat(TaskCodec.zoneNamed("No Such Standard Time " + i)).isNull();
        }
        assertThat(TaskCodec.zoneNamed("W. Europe Standard Time")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(TaskCodec.zoneNamed("W. Europe Standard Time")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(TaskCodec.zoneNamed("Pacific Standard Time")).isEqualTo(ZoneId.of("America/Los_Angeles"));
        assertThat(TaskCodec.graphRules(ZoneId.of("Europe/Vienna"))).as("Windows' rules for Vienna's name")
                .isEqualTo(ZoneId.of("Europe/Berlin"));
    }
}
