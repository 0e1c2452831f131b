package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static com.koomy.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the apps read: every environment variable that config/api.yml or config/worker.yml reads without a
 * usable production default is provided by the ConfigMap or the Secret; no secret sits in the ConfigMap;
 * Ingress body limits match the API's; migrations run on DATABASE_MIGRATE_URL with the release's image.
 */
class AppConfigManifestsTest {

    /** Keys that are not configuration variables of the apps (JVM options; KEDA's own connection). */
    private static final Set<String> NOT_APP_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "KEDA_POSTGRES_CONNECTION");

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

    @Test
    void everyVariableTheConfigsNeedIsProvidedAndEveryProvidedOneIsRead() {
        for (JsonNode deployment : all("Deployment")) {
            for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                Set<String> provided = new HashSet<>();
                for (JsonNode from : container.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        assertThat(from.path("configMapRef").path("name").asText()).isEqualTo("koomy-config");
                        provided.addAll(CONFIG_MAP.keySet());
                    }
                    if (from.has("secretRef")) {
                        assertThat(from.path("secretRef").path("name").asText()).isEqualTo("koomy-secrets");
                        provided.addAll(SECRET.keySet());
                    }
                }
                container.path("env").forEach(e -> provided.add(e.path("name").asText()));
                Set<String> needed = needed(runsApi(container) ? API_VARIABLES : WORKER_VARIABLES);
                assertThat(provided).as("variables of %s", deployment.path("metadata").path("name")).containsAll(needed);
            }
        }
        Set<String> read = new HashSet<>(API_VARIABLES.keySet());
        read.addAll(WORKER_VARIABLES.keySet());
        read.addAll(NOT_APP_VARIABLES);
        assertThat(read).as("ConfigMap keys the configs read").containsAll(CONFIG_MAP.keySet());
        assertThat(read).as("Secret keys the configs read").containsAll(SECRET.keySet());
    }

    @Test
    void noSecretIsInTheConfigMapAndTheSecretTemplateHoldsNoValue() {
        Set<String> secretNamed = new TreeSet<>();
        Stream.concat(API_VARIABLES.keySet().stream(), WORKER_VARIABLES.keySet().stream())
                .filter(n -> SECRET_NAME.matcher(n).matches()).forEach(secretNamed::add);
        assertThat(secretNamed).contains("STRIPE_WEBHOOK_SECRET", "KOOMY_OPS_TOKEN", "KOOMY_CARD_KEY_SECRET",
                "SENDGRID_API_KEY", "OPENAI_API_KEY", "DATABASE_PASSWORD", "KOOMY_DASHBOARD_PASSWORD");
        assertThat(SECRET.keySet()).containsAll(secretNamed.stream().filter(n -> !n.equals("DATABASE_USER")).toList());
        for (Map.Entry<String, String> entry : CONFIG_MAP.entrySet()) {
            assertThat(SECRET_NAME.matcher(entry.getKey()).matches() && !entry.getKey().equals("DATABASE_USER"))
                    .as("%s belongs in the Secret", entry.getKey()).isFalse();
            assertThat(entry.getValue()).as("value of %s", entry.getKey())
                    .doesNotContainIgnoringCase("password=").doesNotMatch(".*://[^/@]+:[^/@]+@.*")
                    .doesNotContain("whsec_").doesNotContain("sk_live").doesNotContain("sk_test").doesNotStartWith("SG.");
        }
        assertThat(SECRET.values()).as("the example carries names only").containsOnly("");
    }

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

}
