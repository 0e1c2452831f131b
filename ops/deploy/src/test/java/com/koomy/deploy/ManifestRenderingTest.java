package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.koomy.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is applied: each overlay's kustomizations rendered ({@link Kustomize}; compared with
 * {@code kubectl kustomize} where it exists), every object of a known kind and apiVersion, valid against its
 * kind's schema with no unknown field ({@link Schemas}); the secrets example in no kustomization and nothing
 * applied from the folder itself.
 */
class ManifestRenderingTest {

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
}
