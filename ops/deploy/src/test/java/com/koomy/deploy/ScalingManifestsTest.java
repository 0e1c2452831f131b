package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.koomy.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling: the API's Service and CPU autoscaler, the workers' KEDA ScaledObject on the queue depth with one
 * dashboard; no {@code replicas} where an autoscaler owns the count; PodDisruptionBudgets and topology spread.
 */
class ScalingManifestsTest {

    @Test
    void theApiHasAServiceOnItsApplicationPortAndAnHpaOnCpu() {
        JsonNode api = one("Deployment", "koomy-api");
        JsonNode container = api.path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode service = one("Service", "koomy-api");
        api.path("spec").path("template").path("metadata").path("labels").fields();
        service.path("spec").path("selector").fields().forEachRemaining(e ->
                assertThat(api.path("spec").path("template").path("metadata").path("labels").path(e.getKey()).asText())
                        .isEqualTo(e.getValue().asText()));
        assertThat(service.path("spec").path("ports")).hasSize(1);
        assertThat(port(container, service.path("spec").path("ports").get(0).path("targetPort")))
                .isEqualTo(Integer.parseInt(CONFIG_MAP.get("KOOMY_API_PORT")));

        JsonNode hpa = one("HorizontalPodAutoscaler", "koomy-api").path("spec");
        assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo("koomy-api");
        assertThat(hpa.path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.path("maxReplicas").asInt()).isGreaterThan(hpa.path("minReplicas").asInt());
        JsonNode metric = hpa.path("metrics").get(0);
        assertThat(metric.path("resource").path("name").asText()).isEqualTo("cpu");
        assertThat(metric.path("resource").path("target").path("averageUtilization").asInt()).isBetween(30, 90);
    }

    @Test
    void workersScaleOnTheQueueDepthAndNeverToZeroWithOneDashboard() {
        JsonNode scaled = one("ScaledObject", "koomy-worker").path("spec");
        assertThat(scaled.path("scaleTargetRef").path("name").asText()).isEqualTo("koomy-worker");
        one("Deployment", "koomy-worker");
        assertThat(scaled.path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(scaled.path("maxReplicaCount").asInt()).isGreaterThan(scaled.path("minReplicaCount").asInt());
        JsonNode trigger = scaled.path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("postgresql");
        assertThat(trigger.path("metadata").path("query").asText())
                .contains("jobrunr.jobrunr_jobs").contains("state = 'ENQUEUED'");
        assertThat(trigger.path("metadata").path("targetQueryValue").asText()).matches("[1-9][0-9]*");
        JsonNode auth = one("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());
        JsonNode ref = auth.path("spec").path("secretTargetRef").get(0);
        assertThat(ref.path("name").asText()).isEqualTo("koomy-secrets");
        assertThat(SECRET).containsKey(ref.path("key").asText());

        // The dashboard: on in exactly one single-replica Deployment, off in the scaled one.
        int dashboards = 0;
        for (JsonNode deployment : all("Deployment")) {
            for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                Map<String, String> env = new HashMap<>();
                container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
                if (!runsApi(container)) {
                    assertThat(env).as("workers say whether they serve the dashboard").containsKey("KOOMY_DASHBOARD_ENABLED");
                }
                if ("true".equals(env.get("KOOMY_DASHBOARD_ENABLED"))) {
                    dashboards++;
                    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
                    assertThat(deployment.path("metadata").path("name").asText()).isNotEqualTo("koomy-worker");
                }
            }
        }
        assertThat(dashboards).isEqualTo(1);
    }

    @Test
    void autoscaledDeploymentsCarryNoReplicasAndEveryScaledOneHasADisruptionBudgetAndASpread() {
        RENDERED.forEach((kustomization, objects) -> {
            Set<String> autoscaled = new TreeSet<>();
            for (ObjectNode object : objects) {
                String kind = object.path("kind").asText();
                if (kind.equals("HorizontalPodAutoscaler") || kind.equals("ScaledObject")) {
                    assertThat(object.path("spec").path("scaleTargetRef").path("kind").asText("Deployment")).isEqualTo("Deployment");
                    autoscaled.add(object.path("spec").path("scaleTargetRef").path("name").asText());
                }
            }
            for (ObjectNode deployment : objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")).toList()) {
                String name = deployment.path("metadata").path("name").asText();
                if (!autoscaled.contains(name)) {
                    assertThat(deployment.path("spec").path("replicas").asInt()).as("%s %s: not autoscaled", kustomization, name).isEqualTo(1);
                    continue;
                }
                assertThat(deployment.path("spec").has("replicas")).as("%s %s: replicas beside its autoscaler", kustomization, name).isFalse();
                JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
                List<ObjectNode> budgets = objects.stream().filter(o -> o.path("kind").asText().equals("PodDisruptionBudget"))
                        .filter(pdb -> selects(pdb.path("spec").path("selector"), labels)).toList();
                assertThat(budgets).as("%s %s: its PodDisruptionBudget", kustomization, name).hasSize(1);
                assertThat(budgets.get(0).path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
                Set<String> keys = new TreeSet<>();
                deployment.path("spec").path("template").path("spec").path("topologySpreadConstraints").forEach(c -> {
                    keys.add(c.path("topologyKey").asText());
                    assertThat(selects(c.path("labelSelector"), labels)).as("%s %s: spread over its own pods", kustomization, name).isTrue();
                });
                assertThat(keys).as("%s %s: spread", kustomization, name)
                        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
            }
            if (kustomization.endsWith("/migrate")) {
                assertThat(autoscaled).as(kustomization).isEmpty();
            } else {
                assertThat(autoscaled).as(kustomization).containsExactlyInAnyOrder("koomy-api", "koomy-worker");
            }
        });
    }
}
