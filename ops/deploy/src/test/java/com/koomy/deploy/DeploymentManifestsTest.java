package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The deployment files in ops/deploy. Kubernetes: each overlay's kustomizations rendered ({@link Kustomize};
 * compared with {@code kubectl kustomize} where it exists), every object valid against its kind's schema with
 * no unknown field ({@link Schemas}); pods meet the {@code restricted} Pod Security level; no {@code replicas}
 * where an autoscaler owns the count; PodDisruptionBudgets and topology spread; grace periods cover the
 * configured shutdown timeouts; Ingress body limits match the API's; migrations on DATABASE_MIGRATE_URL;
 * the secrets example in no kustomization. Probes hit the admin ports and Dropwizard's admin paths; every
 * environment variable that config/api.yml or config/worker.yml reads without a usable production default is
 * provided by the ConfigMap or the Secret; no secret sits in the ConfigMap. The systemd units run the jars.
 */
class DeploymentManifestsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();
    private static final Path KUBERNETES = ROOT.resolve("ops/deploy/kubernetes");
    private static final Path SECRETS_EXAMPLE = KUBERNETES.resolve("secrets.env.example");
    /** Each environment: its apps and its migration Job, applied separately (the Job first). */
    private static final List<String> ENVIRONMENTS = List.of("overlays/dev", "overlays/prod");
    private static final Path SYSTEMD = ROOT.resolve("ops/deploy/systemd");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** apiVersion of every kind the manifests may use. */
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Namespace", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("Job", "batch/v1"),
            Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("ScaledObject", "keda.sh/v1alpha1"),
            Map.entry("TriggerAuthentication", "keda.sh/v1alpha1"));
    /** Paths Dropwizard serves on the admin connector. */
    private static final Set<String> ADMIN_PATHS = Set.of("/healthcheck", "/ping");
    /** Keys that are not configuration variables of the apps (JVM options; KEDA's own connection). */
    private static final Set<String> NOT_APP_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "KEDA_POSTGRES_CONNECTION");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|_TOKEN$|API_KEY$|_USER$).*");

    /** Production's objects (apps and migration Job): the checks below that read one environment read this one. */
    private static final List<JsonNode> DOCUMENTS = new ArrayList<>();
    /** Every kustomization that is applied (apps and Job of each environment) and what it renders. */
    private static final Map<String, List<ObjectNode>> RENDERED = new java.util.LinkedHashMap<>();
    private static Map<String, String> apiVariables;
    private static Map<String, String> workerVariables;
    private static Map<String, String> configMap;
    private static Map<String, String> secret;

    @BeforeAll
    static void load() throws IOException {
        for (String environment : ENVIRONMENTS) {
            for (String kustomization : List.of(environment, environment + "/migrate")) {
                RENDERED.put(kustomization, Kustomize.render(KUBERNETES.resolve(kustomization)));
            }
        }
        // Production's apps, then its Job with what it shares with them (namespace, ConfigMap) once.
        Set<String> seen = new HashSet<>();
        for (String kustomization : List.of("overlays/prod", "overlays/prod/migrate")) {
            for (ObjectNode object : RENDERED.get(kustomization)) {
                if (seen.add(object.path("kind").asText() + "/" + object.path("metadata").path("name").asText())) {
                    DOCUMENTS.add(object);
                }
            }
        }
        apiVariables = variables(ROOT.resolve("config/api.yml"));
        workerVariables = variables(ROOT.resolve("config/worker.yml"));
        configMap = strings(one("ConfigMap", "koomy-config").path("data"));
        secret = new HashMap<>();
        for (String line : Files.readAllLines(SECRETS_EXAMPLE)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                secret.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
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
        assertThat(secret.values()).as("the example carries names only").containsOnly("");
    }

    @Test
    void everyRenderedObjectMatchesItsKindsSchemaWithoutUnknownFields() {
        List<String> problems = new ArrayList<>();
        RENDERED.forEach((kustomization, objects) -> objects.forEach(object ->
                Schemas.problems(object).forEach(p -> problems.add(kustomization + ": " + p))));
        assertThat(problems).isEmpty();
        // The check itself: a misspelt field and a field at the wrong level are found.
        ObjectNode api = RENDERED.get("overlays/prod").stream()
                .filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow().deepCopy();
        ((ObjectNode) api.path("spec")).put("replica", 2);
        ((ObjectNode) api.path("spec").path("template").path("spec").path("containers").get(0)).put("readinesProbe", "x");
        assertThat(Schemas.problems(api)).hasSize(2).anyMatch(p -> p.contains("replica"))
                .anyMatch(p -> p.contains("readinesProbe"));
        ObjectNode scaled = one("ScaledObject", "koomy-worker").deepCopy();
        ((ObjectNode) scaled.path("spec")).put("maxReplicas", 3);
        assertThat(Schemas.problems(scaled)).hasSize(1);
    }

    @Test
    void theRenderingIsKubectlKustomizesWhereKubectlExists() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("kubectl"), "no kubectl here: Kustomize.java alone");
        for (Map.Entry<String, List<ObjectNode>> rendered : RENDERED.entrySet()) {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", KUBERNETES.resolve(rendered.getKey()).toString())
                    .redirectErrorStream(true).start();
            byte[] out = kubectl.getInputStream().readAllBytes();
            assertThat(kubectl.waitFor()).as(new String(out)).isZero();
            List<JsonNode> theirs = new ArrayList<>();
            try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
                docs.forEachRemaining(theirs::add);
            }
            assertThat(theirs).as(rendered.getKey()).containsExactlyInAnyOrderElementsOf(rendered.getValue());
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    @Test
    void podsMeetTheRestrictedPodSecurityLevel() {
        Set<String> volumeTypes = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
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

    private static boolean selects(JsonNode selector, JsonNode labels) {
        List<Boolean> all = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> all.add(labels.path(e.getKey()).asText().equals(e.getValue().asText())));
        return !all.isEmpty() && !all.contains(false) && !selector.has("matchExpressions");
    }

    /** A duration of a config file at its production default ("20s", "500ms", "1 minute"). */
    private static long seconds(Path config, String... path) throws IOException {
        JsonNode node = productionDefaults(config);
        for (String field : path) {
            node = node.path(field);
        }
        return io.dropwizard.util.Duration.parse(node.asText()).toSeconds();
    }

    private static JsonNode productionDefaults(Path config) throws IOException {
        Matcher m = Pattern.compile("\\$\\{(\\w+)(?::-([^}]*))?}").matcher(Files.readString(config));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return YAML.readTree(out.toString());
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

    @Test
    void theIngressLimitsBodiesAsTheApiDoes() throws IOException {
        JsonNode api = productionDefaults(ROOT.resolve("config/api.yml"));
        long webhookLimit = io.dropwizard.util.DataSize.parse(api.path("stripe").path("maxWebhookBody").asText()).toBytes();
        long uploadLimit = io.dropwizard.util.DataSize.parse(api.path("media").path("maxUploadSize").asText()).toBytes();
        RENDERED.forEach((kustomization, objects) -> {
            if (kustomization.endsWith("/migrate")) {
                return;
            }
            Map<String, Long> limits = new HashMap<>();
            for (ObjectNode ingress : objects.stream().filter(o -> o.path("kind").asText().equals("Ingress")).toList()) {
                long limit = nginxSize(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-body-size").asText());
                for (JsonNode rule : ingress.path("spec").path("rules")) {
                    for (JsonNode path : rule.path("http").path("paths")) {
                        assertThat(path.path("backend").path("service").path("name").asText()).isEqualTo("koomy-api");
                        assertThat(path.path("backend").path("service").path("port").path("name").asText()).isEqualTo("http");
                        limits.put(path.path("path").asText(), limit);
                    }
                }
            }
            assertThat(limits).as(kustomization).containsOnlyKeys("/", "/api/webhooks");
            assertThat(limits.get("/api/webhooks")).as("%s: webhooks", kustomization).isEqualTo(webhookLimit);
            assertThat(limits.get("/")).as("%s: uploads and their multipart framing", kustomization)
                    .isGreaterThan(uploadLimit).isLessThanOrEqualTo(uploadLimit + 2 * 1024 * 1024);
        });
    }

    /** ingress-nginx's size ("1m", "512k", "1048576"). */
    private static long nginxSize(String size) {
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        long number = Character.isDigit(unit) ? Long.parseLong(size) : Long.parseLong(size.substring(0, size.length() - 1));
        return unit == 'm' ? number * 1024 * 1024 : unit == 'k' ? number * 1024 : unit == 'g' ? number << 30 : number;
    }

    @Test
    void migrationsRunAloneOnTheDirectDatabaseUrlWithTheReleasesImage() throws IOException {
        assertThat(Files.readString(ROOT.resolve("config/api.yml"))).contains("migrateUrl: ${DATABASE_MIGRATE_URL:-}");
        for (String environment : ENVIRONMENTS) {
            List<ObjectNode> apps = RENDERED.get(environment);
            List<ObjectNode> migrate = RENDERED.get(environment + "/migrate");
            assertThat(apps).noneMatch(o -> o.path("kind").asText().equals("Job"));
            assertThat(migrate).extracting(o -> o.path("kind").asText()).containsExactlyInAnyOrder("Namespace", "ConfigMap", "Job");
            JsonNode job = migrate.stream().filter(o -> o.path("kind").asText().equals("Job")).findFirst().orElseThrow();
            JsonNode container = job.path("spec").path("template").path("spec").path("containers").get(0);
            assertThat(command(container)).contains("koomy-api.jar db migrate /app/config/api.yml");
            String apiImage = apps.stream().filter(o -> o.path("metadata").path("name").asText().equals("koomy-api")
                    && o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()
                    .path("spec").path("template").path("spec").path("containers").get(0).path("image").asText();
            assertThat(container.path("image").asText()).as("%s: the Job migrates to the release's schema", environment).isEqualTo(apiImage);
            JsonNode config = migrate.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
            JsonNode appsConfig = apps.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
            assertThat(config).as("%s: one ConfigMap, whichever is applied last", environment).isEqualTo(appsConfig);
            assertThat(config.path("data").path("DATABASE_MIGRATE_URL").asText()).as(environment).startsWith("jdbc:postgresql://");
        }
    }

    @Test
    void theSecretsExampleIsInNoKustomizationAndNothingIsAppliedFromTheFolderItself() throws IOException {
        Set<Path> read = new HashSet<>();
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (Path kustomization : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                if (!Files.readString(kustomization).contains("kind: Component")) { // components are read through their users
                    read.addAll(Kustomize.files(kustomization.getParent()));
                }
            }
        }
        assertThat(read).isNotEmpty().doesNotContain(SECRETS_EXAMPLE);
        RENDERED.forEach((kustomization, objects) ->
                assertThat(objects).as(kustomization).noneMatch(o -> o.path("kind").asText().equals("Secret")));
        // `kubectl apply -f ops/deploy/kubernetes/` finds nothing to apply: every manifest is under base/ or overlays/.
        try (Stream<Path> top = Files.list(KUBERNETES)) {
            assertThat(top.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList())
                    .containsExactly("secrets.env.example");
        }
        // Every YAML file of the tree is used by some kustomization (none forgotten, none applied by hand).
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml")).toList()).allMatch(read::contains);
        }
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
