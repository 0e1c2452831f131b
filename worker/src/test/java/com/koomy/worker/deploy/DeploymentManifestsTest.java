package com.koomy.worker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files in ops/deploy: every Kubernetes manifest parses and has the fields its kind
 * needs; probes hit the admin ports and Dropwizard's admin paths; every environment variable that
 * config/api.yml or config/worker.yml reads without a usable production default is provided by the
 * ConfigMap or the Secret; no secret sits in the ConfigMap; the systemd units run the jars.
 */
class DeploymentManifestsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().resolve("..").normalize();
    private static final Path KUBERNETES = ROOT.resolve("ops/deploy/kubernetes");
    private static final Path SYSTEMD = ROOT.resolve("ops/deploy/systemd");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** apiVersion of every kind the manifests may use. */
    private static final Map<String, String> API_VERSIONS = Map.of(
            "Namespace", "v1", "ConfigMap", "v1", "Secret", "v1", "Service", "v1",
            "Deployment", "apps/v1", "Job", "batch/v1", "HorizontalPodAutoscaler", "autoscaling/v2",
            "NetworkPolicy", "networking.k8s.io/v1",
            "ScaledObject", "keda.sh/v1alpha1", "TriggerAuthentication", "keda.sh/v1alpha1");
    /** Paths Dropwizard serves on the admin connector. */
    private static final Set<String> ADMIN_PATHS = Set.of("/healthcheck", "/ping");
    /** Keys that are not configuration variables of the apps (JVM options; KEDA's own connection). */
    private static final Set<String> NOT_APP_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "KEDA_POSTGRES_CONNECTION");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|_TOKEN$|API_KEY$|_USER$).*");

    private static final List<JsonNode> DOCUMENTS = new ArrayList<>();
    private static Map<String, String> apiVariables;
    private static Map<String, String> workerVariables;
    private static Map<String, String> configMap;
    private static Map<String, String> secret;

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                            DOCUMENTS.add(doc);
                        }
                    }
                }
            }
        }
        apiVariables = variables(ROOT.resolve("config/api.yml"));
        workerVariables = variables(ROOT.resolve("config/worker.yml"));
        configMap = strings(one("ConfigMap", "koomy-config").path("data"));
        secret = strings(one("Secret", "koomy-secrets").path("stringData"));
    }

    /** Each ${NAME:-default} of a config file. */
    private static Map<String, String> variables(Path config) throws IOException {
        Map<String, String> variables = new HashMap<>();
        Matcher m = VARIABLE.matcher(Files.readString(config));
        while (m.find()) {
            variables.put(m.group(1), m.group(2));
        }
        return variables;
    }

    /** A variable must be set in production when its default is empty or only works on a developer machine. */
    private static Set<String> needed(Map<String, String> variables) {
        Set<String> needed = new TreeSet<>();
        variables.forEach((name, fallback) -> {
            if (fallback.isBlank() || fallback.contains("127.0.0.1") || fallback.contains("localhost")
                    || fallback.endsWith(".local") || SECRET_NAME.matcher(name).matches()) {
                needed.add(name);
            }
        });
        return needed;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static List<JsonNode> all(String kind) {
        return DOCUMENTS.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static JsonNode one(String kind, String name) {
        List<JsonNode> found = all(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    @Test
    void everyDocumentHasAKnownKindItsApiVersionANameAndTheNamespace() {
        assertThat(DOCUMENTS).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode doc : DOCUMENTS) {
            String kind = doc.path("kind").asText();
            assertThat(API_VERSIONS).as("kind of %s", doc).containsKey(kind);
            assertThat(doc.path("apiVersion").asText()).as("apiVersion of %s", kind).isEqualTo(API_VERSIONS.get(kind));
            assertThat(doc.path("metadata").path("name").asText()).as("name of a %s", kind).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            if (!kind.equals("Namespace")) {
                assertThat(doc.path("metadata").path("namespace").asText()).as("namespace of %s", kind).isEqualTo("koomy");
            }
        }
    }

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
                int admin = Integer.parseInt(configMap.get(api ? "KOOMY_API_ADMIN_PORT" : "KOOMY_WORKER_ADMIN_PORT"));
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
        assertThat(configMap.get("KOOMY_ADMIN_BIND")).isEqualTo("0.0.0.0");
    }

    private static String command(JsonNode container) {
        List<String> parts = new ArrayList<>();
        container.path("command").forEach(p -> parts.add(p.asText()));
        container.path("args").forEach(p -> parts.add(p.asText()));
        return String.join(" ", parts);
    }

    private static boolean runsApi(JsonNode container) {
        String command = command(container);
        assertThat(command).matches(".*/app/config/(api|worker)\\.yml.*");
        return command.contains("koomy-api.jar") && command.contains("api.yml");
    }

    private static int port(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (declared.path("name").asText().equals(port.asText())) {
                return declared.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port named " + port + " in " + container.path("name"));
    }

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
                .isEqualTo(Integer.parseInt(configMap.get("KOOMY_API_PORT")));

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
        assertThat(secret).containsKey(ref.path("key").asText());

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
    void everyVariableTheConfigsNeedIsProvidedAndEveryProvidedOneIsRead() {
        for (JsonNode deployment : all("Deployment")) {
            for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                Set<String> provided = new HashSet<>();
                for (JsonNode from : container.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        assertThat(from.path("configMapRef").path("name").asText()).isEqualTo("koomy-config");
                        provided.addAll(configMap.keySet());
                    }
                    if (from.has("secretRef")) {
                        assertThat(from.path("secretRef").path("name").asText()).isEqualTo("koomy-secrets");
                        provided.addAll(secret.keySet());
                    }
                }
                container.path("env").forEach(e -> provided.add(e.path("name").asText()));
                Set<String> needed = needed(runsApi(container) ? apiVariables : workerVariables);
                assertThat(provided).as("variables of %s", deployment.path("metadata").path("name")).containsAll(needed);
            }
        }
        Set<String> read = new HashSet<>(apiVariables.keySet());
        read.addAll(workerVariables.keySet());
        read.addAll(NOT_APP_VARIABLES);
        assertThat(read).as("ConfigMap keys the configs read").containsAll(configMap.keySet());
        assertThat(read).as("Secret keys the configs read").containsAll(secret.keySet());
    }

    @Test
    void noSecretIsInTheConfigMapAndTheSecretTemplateHoldsNoValue() {
        Set<String> secretNamed = new TreeSet<>();
        Stream.concat(apiVariables.keySet().stream(), workerVariables.keySet().stream())
                .filter(n -> SECRET_NAME.matcher(n).matches()).forEach(secretNamed::add);
        assertThat(secretNamed).contains("STRIPE_WEBHOOK_SECRET", "KOOMY_OPS_TOKEN", "KOOMY_CARD_KEY_SECRET",
                "SENDGRID_API_KEY", "OPENAI_API_KEY", "DATABASE_PASSWORD", "KOOMY_DASHBOARD_PASSWORD");
        assertThat(secret.keySet()).containsAll(secretNamed.stream().filter(n -> !n.equals("DATABASE_USER")).toList());
        for (Map.Entry<String, String> entry : configMap.entrySet()) {
            assertThat(SECRET_NAME.matcher(entry.getKey()).matches() && !entry.getKey().equals("DATABASE_USER"))
                    .as("%s belongs in the Secret", entry.getKey()).isFalse();
            assertThat(entry.getValue()).as("value of %s", entry.getKey())
                    .doesNotContainIgnoringCase("password=").doesNotMatch(".*://[^/@]+:[^/@]+@.*")
                    .doesNotContain("whsec_").doesNotContain("sk_live").doesNotContain("sk_test").doesNotStartWith("SG.");
        }
        assertThat(secret.values()).as("the template carries names only").containsOnly("");
    }

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
