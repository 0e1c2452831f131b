package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files of ops/deploy as the tests of this package read them: every applied kustomization
 * rendered once per JVM (not once per test class), production's objects, the configs' variables, the
 * ConfigMap and the secrets example; and the readings of a container or a config the checks share.
 */
final class Manifests {

    static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();
    static final Path KUBERNETES = ROOT.resolve("ops/deploy/kubernetes");
    static final Path SECRETS_EXAMPLE = KUBERNETES.resolve("secrets.env.example");
    /** Each environment: its apps and its migration Job, applied separately (the Job first). */
    static final List<String> ENVIRONMENTS = List.of("overlays/dev", "overlays/prod");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|_TOKEN$|API_KEY$|_USER$).*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");

    /** Every kustomization that is applied (apps and Job of each environment) and what it renders. */
    static final Map<String, List<ObjectNode>> RENDERED = new LinkedHashMap<>();
    /** Production's objects (apps and migration Job): the checks that read one environment read this one. */
    static final List<JsonNode> DOCUMENTS = new ArrayList<>();
    static final Map<String, String> API_VARIABLES;
    static final Map<String, String> WORKER_VARIABLES;
    static final Map<String, String> CONFIG_MAP;
    static final Map<String, String> SECRET = new HashMap<>();

    static {
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
        try {
            API_VARIABLES = variables(ROOT.resolve("config/api.yml"));
            WORKER_VARIABLES = variables(ROOT.resolve("config/worker.yml"));
            for (String line : Files.readAllLines(SECRETS_EXAMPLE)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    SECRET.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CONFIG_MAP = strings(one("ConfigMap", "koomy-config").path("data"));
    }

    private Manifests() {
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

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    static List<JsonNode> all(String kind) {
        return DOCUMENTS.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode one(String kind, String name) {
        List<JsonNode> found = all(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    static String command(JsonNode container) {
        List<String> parts = new ArrayList<>();
        container.path("command").forEach(p -> parts.add(p.asText()));
        container.path("args").forEach(p -> parts.add(p.asText()));
        return String.join(" ", parts);
    }

    static boolean runsApi(JsonNode container) {
        String command = command(container);
        assertThat(command).matches(".*/app/config/(api|worker)\\.yml.*");
        return command.contains("koomy-api.jar") && command.contains("api.yml");
    }

    static int port(JsonNode container, JsonNode port) {
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

    static boolean selects(JsonNode selector, JsonNode labels) {
        List<Boolean> all = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> all.add(labels.path(e.getKey()).asText().equals(e.getValue().asText())));
        return !all.isEmpty() && !all.contains(false) && !selector.has("matchExpressions");
    }

    /** A duration of a config file at its production default ("20s", "500ms", "1 minute"). */
    static long seconds(Path config, String... path) throws IOException {
        JsonNode node = productionDefaults(config);
        for (String field : path) {
            node = node.path(field);
        }
        return io.dropwizard.util.Duration.parse(node.asText()).toSeconds();
    }

    static JsonNode productionDefaults(Path config) throws IOException {
        Matcher m = Pattern.compile("\\$\\{(\\w+)(?::-([^}]*))?}").matcher(Files.readString(config));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return YAML.readTree(out.toString());
    }
}
