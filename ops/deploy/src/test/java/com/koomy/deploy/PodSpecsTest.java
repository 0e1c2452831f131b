package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.koomy.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pods: images, resources, and probes on the admin ports and Dropwizard's admin paths; the
 * {@code restricted} Pod Security level; grace periods that cover the configured shutdown timeouts.
 */
class PodSpecsTest {

    /** Paths Dropwizard serves on the admin connector. */
    private static final Set<String> ADMIN_PATHS = Set.of("/healthcheck", "/ping");

    @Test
    void podsHaveImagesResourcesAndProbesOnTheAdminPortsAndPaths() {
        List<JsonNode> pods = new ArrayList<>();
        for (JsonNode deployment : all("Deployment")) {
            JsonNode spec = deployment.path("spec");
            JsonNode labels = spec.path("template").path("metadata").path("labels");
            spec.path("selector").path("matchLabels").fields().forEachRemaining(e ->
                    assertThat(labels.path(e.getKey()).asText()).as("selector of %s", deployment.path("metadata").path("name"))
                            .isEqualTo(e.getValue().asText()));
            pods.add(spec.path("template").path("spec"));
        }
        all("Job").forEach(job -> pods.add(job.path("spec").path("template").path("spec")));
        assertThat(pods).hasSizeGreaterThanOrEqualTo(4);
        for (JsonNode pod : pods) {
            for (JsonNode container : pod.path("containers")) {
                String name = container.path("name").asText();
                assertThat(container.path("image").asText()).as("image of %s", name).contains(":");
                JsonNode resources = container.path("resources");
                assertThat(resources.path("requests").path("cpu").asText()).as("cpu request of %s", name).isNotEmpty();
                assertThat(resources.path("requests").path("memory").asText()).as("memory request of %s", name).isNotEmpty();
                assertThat(resources.path("limits").path("memory").asText()).as("memory limit of %s", name).isNotEmpty();
                if (!command(container).contains("server")) {
                    continue; // the migration Job serves nothing
                }
                boolean api = runsApi(container);
                int admin = Integer.parseInt(CONFIG_MAP.get(api ? "KOOMY_API_ADMIN_PORT" : "KOOMY_WORKER_ADMIN_PORT"));
                for (String probe : List.of("livenessProbe", "startupProbe")) {
                    JsonNode get = container.path(probe).path("httpGet");
                    assertThat(get.isMissingNode()).as("%s of %s", probe, name).isFalse();
                    assertThat(ADMIN_PATHS).as("%s path of %s", probe, name).contains(get.path("path").asText());
                    assertThat(port(container, get.path("port"))).as("%s port of %s", probe, name).isEqualTo(admin);
                }
                // Ready means this process can do its own work (GET /ready on the admin port: its database pool,
                // and a worker's job server), not that Redis, the workers or every alert are fine: those would take
                // every pod out of the Service at once (issue 22). HAProxy checks the same page.
                JsonNode ready = container.path("readinessProbe").path("httpGet");
                assertThat(ready.path("path").asText()).as("readiness path of %s", name).isEqualTo("/ready");
                assertThat(port(container, ready.path("port"))).as("readiness port of %s", name).isEqualTo(admin);
            }
        }
        // The admin port is bound to every interface in pods, or the kubelet could not probe it.
        assertThat(CONFIG_MAP.get("KOOMY_ADMIN_BIND")).isEqualTo("0.0.0.0");
    }

    @Test
    void podsMeetTheRestrictedPodSecurityLevel() {
        Set<String> volumeTypes = Set.of("CONFIG_MAP", "csi", "downwardAPI", "emptyDir", "ephemeral",
                "persistentVolumeClaim", "projected", "secret");
        List<String> problems = new ArrayList<>();
        RENDERED.forEach((kustomization, objects) -> objects.forEach(object -> Kustomize.podSpecs(object).forEach(pod -> {
            String where = kustomization + " " + object.path("metadata").path("name").asText();
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                if (pod.path(host).asBoolean(false)) {
                    problems.add(where + ": " + host);
                }
            }
            pod.path("volumes").forEach(volume -> volume.fieldNames().forEachRemaining(field -> {
                if (!field.equals("name") && !volumeTypes.contains(field)) {
                    problems.add(where + ": volume type " + field);
                }
            }));
            JsonNode podContext = pod.path("securityContext");
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode container : pod.path(list)) {
                    JsonNode context = container.path("securityContext");
                    String name = where + "/" + container.path("name").asText();
                    if (!(context.path("runAsNonRoot").asBoolean(false) || podContext.path("runAsNonRoot").asBoolean(false))) {
                        problems.add(name + ": runAsNonRoot");
                    }
                    if (context.path("runAsUser").asInt(podContext.path("runAsUser").asInt(-1)) == 0) {
                        problems.add(name + ": runAsUser 0");
                    }
                    String seccomp = context.path("seccompProfile").path("type").asText(podContext.path("seccompProfile").path("type").asText());
                    if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
                        problems.add(name + ": seccompProfile " + seccomp);
                    }
                    if (!context.path("allowPrivilegeEscalation").isBoolean() || context.path("allowPrivilegeEscalation").asBoolean()) {
                        problems.add(name + ": allowPrivilegeEscalation must be false");
                    }
                    if (context.path("privileged").asBoolean(false)) {
                        problems.add(name + ": privileged");
                    }
                    List<String> dropped = new ArrayList<>();
                    context.path("capabilities").path("drop").forEach(c -> dropped.add(c.asText()));
                    if (!dropped.contains("ALL")) {
                        problems.add(name + ": capabilities.drop ALL");
                    }
                    context.path("capabilities").path("add").forEach(c -> {
                        if (!c.asText().equals("NET_BIND_SERVICE")) {
                            problems.add(name + ": adds " + c.asText());
                        }
                    });
                    container.path("ports").forEach(port -> {
                        if (port.has("hostPort")) {
                            problems.add(name + ": hostPort");
                        }
                    });
                    // Not required by the level, but ours: nothing written outside the /tmp emptyDir.
                    if (!context.path("readOnlyRootFilesystem").asBoolean(false)) {
                        problems.add(name + ": readOnlyRootFilesystem");
                    }
                }
            }
        })));
        assertThat(problems).isEmpty();
    }

    @Test
    void gracePeriodsCoverTheConfiguredShutdowns() throws IOException {
        // The API: the preStop pause, then Jetty lets requests in flight finish (server.shutdownGracePeriod).
        long api = seconds(ROOT.resolve("config/api.yml"), "server", "shutdownGracePeriod");
        // A worker: the outbox relay's last pass (OutboxRelay.stop waits 10 s), JobRunr's server stop and the
        // jobs still running (jobs.shutdownTimeout each).
        long worker = RELAY_STOP_SECONDS + 2 * seconds(ROOT.resolve("config/worker.yml"), "jobs", "shutdownTimeout");
        assertThat(worker).isEqualTo(50);
        RENDERED.forEach((kustomization, objects) -> objects.forEach(object -> Kustomize.podSpecs(object).forEach(pod -> {
            JsonNode container = pod.path("containers").get(0);
            if (!command(container).contains(" server ")) {
                return;
            }
            long preStop = 0;
            JsonNode exec = container.path("lifecycle").path("preStop").path("exec").path("command");
            if (exec.size() == 2 && exec.get(0).asText().equals("sleep")) {
                preStop = Long.parseLong(exec.get(1).asText());
            }
            long needed = preStop + (runsApi(container) ? api : worker);
            assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                    .as("%s %s: grace over %d s of configured shutdown", kustomization, object.path("metadata").path("name").asText(), needed)
                    .isGreaterThanOrEqualTo(needed + 5);
        })));
    }

    /** OutboxRelay.stop's wait for the pass in progress (a constant of the worker, not configured). */
    private static final long RELAY_STOP_SECONDS = 10;

}
