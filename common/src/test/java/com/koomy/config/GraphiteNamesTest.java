package com.koomy.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Graphite's series keep their names across restarts: no PID in the instance, dots kept out of levels. */
class GraphiteNamesTest {

    @Test
    void theInstanceIsKoomyInstanceOrProcessAndHostNeverThePid() throws Exception {
        Assumptions.assumeTrue(System.getenv("KOOMY_INSTANCE") == null, "KOOMY_INSTANCE is set here");
        String instance = InstanceName.of("api");
        assertThat(instance).isEqualTo("api-" + InetAddress.getLocalHost().getHostName().replace('.', '_'));
        assertThat(InstanceName.of("api")).isEqualTo(instance);
    }

    @Test
    void theSeriesPrefixIsPrefixProcessInstance() {
        GraphiteFactory graphite = new GraphiteFactory();
        assertThat(graphite.prefix("worker", "worker-2")).isEqualTo("koomy.worker.worker-2");
        graphite.setPrefix("staging");
        assertThat(graphite.prefix("api", "web1.example.org")).isEqualTo("staging.api.web1_example_org");
    }
}
