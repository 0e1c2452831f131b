package com.koomy.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.koomy.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The systemd units run the jars with their config and environment files. */
class SystemdUnitsTest {

    private static final Path SYSTEMD = ROOT.resolve("ops/deploy/systemd");

    @Test
    void theSystemdUnitsRunTheJarsWithTheirConfigAndEnvironmentFiles() throws IOException {
        Map<String, String> units = Map.of(
                "koomy-api@.service", "-jar /opt/koomy/koomy-api.jar server /opt/koomy/config/api.yml",
                "koomy-worker@.service", "-jar /opt/koomy/koomy-worker.jar server /opt/koomy/config/worker.yml",
                "koomy-migrate.service", "-jar /opt/koomy/koomy-api.jar db migrate /opt/koomy/config/api.yml",
                "koomy-haproxy.service", "haproxy -Ws -f ${CONFIG}");
        for (Map.Entry<String, String> unit : units.entrySet()) {
            String text = Files.readString(SYSTEMD.resolve(unit.getKey()));
            assertThat(text).as(unit.getKey()).contains("[Unit]", "[Service]", "[Install]");
            assertThat(text.lines().filter(l -> l.startsWith("ExecStart=")).toList()).as(unit.getKey())
                    .hasSize(1).allMatch(l -> l.contains(unit.getValue()));
            if (unit.getKey().startsWith("koomy-api") || unit.getKey().startsWith("koomy-worker")) {
                assertThat(text).contains("EnvironmentFile=/etc/koomy/koomy.env", "EnvironmentFile=/etc/koomy/secrets.env",
                        "KOOMY_MIGRATE_ON_START=false", "Restart=on-failure", "User=koomy");
            }
        }
    }
}
