package com.koomy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for the subset our manifests use: {@code resources}
 * (files and directories), {@code components}, {@code patches} (strategic merge by kind and name, lists of
 * named objects merged by name), {@code images} ({@code newName}, {@code newTag}) and {@code namespace}.
 * Anything else in a kustomization fails the rendering, so a manifest cannot use a feature this does not
 * render. No binary is needed; where {@code kubectl} exists, ManifestRenderingTest compares the two.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "components", "patches", "images", "namespace");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private Kustomize() {
    }

    /** The objects of the kustomization in {@code dir}, in resource order. */
    static List<ObjectNode> render(Path dir) {
        return render(dir, new LinkedHashSet<>());
    }

    /** Every file (kustomization.yaml, resources, patches) that rendering {@code dir} reads. */
    static Set<Path> files(Path dir) {
        Set<Path> read = new LinkedHashSet<>();
        render(dir, read);
        return read;
    }

    private static List<ObjectNode> render(Path dir, Set<Path> read) {
        JsonNode k = kustomization(dir, read);
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : k.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path, read));
            } else {
                objects.addAll(documents(path, read));
            }
        }
        for (JsonNode component : k.path("components")) {
            Path path = dir.resolve(component.asText()).normalize();
            JsonNode c = kustomization(path, read);
            if (!"Component".equals(c.path("kind").asText())) {
                throw new IllegalArgumentException(path + " is not a Component");
            }
            transform(path, c, objects, read);
        }
        transform(dir, k, objects, read);
        return objects;
    }

    private static JsonNode kustomization(Path dir, Set<Path> read) {
        Path file = dir.resolve("kustomization.yaml");
        List<ObjectNode> docs = documents(file, read);
        JsonNode k = docs.get(0);
        k.fieldNames().forEachRemaining(field -> {
            if (!KNOWN.contains(field)) {
                throw new IllegalArgumentException(file + ": '" + field + "' is not rendered by Kustomize.java");
            }
        });
        return k;
    }

    private static void transform(Path dir, JsonNode k, List<ObjectNode> objects, Set<Path> read) {
        for (JsonNode patch : k.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException(dir + ": only patches by path are rendered");
            }
            for (ObjectNode p : documents(dir.resolve(patch.path("path").asText()).normalize(), read)) {
                ObjectNode target = objects.stream()
                        .filter(o -> o.path("kind").equals(p.path("kind"))
                                && o.path("metadata").path("name").equals(p.path("metadata").path("name")))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException(dir + ": no target for " + p.path("kind")
                                + " " + p.path("metadata").path("name")));
                merge(target, p);
            }
        }
        if (k.has("namespace")) {
            String namespace = k.path("namespace").asText();
            objects.stream().filter(o -> !CLUSTER_SCOPED.contains(o.path("kind").asText()))
                    .forEach(o -> ((ObjectNode) o.path("metadata")).put("namespace", namespace));
        }
        for (JsonNode image : k.path("images")) {
            objects.forEach(o -> podSpecs(o).forEach(spec -> {
                for (String list : List.of("initContainers", "containers")) {
                    for (JsonNode container : spec.path(list)) {
                        retag((ObjectNode) container, image);
                    }
                }
            }));
        }
    }

    private static void retag(ObjectNode container, JsonNode image) {
        String current = container.path("image").asText();
        int at = current.indexOf('@');
        int colon = current.lastIndexOf(':');
        String name = at >= 0 ? current.substring(0, at)
                : colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
        if (!name.equals(image.path("name").asText())) {
            return;
        }
        String tag = at >= 0 ? current.substring(at) : colon > current.lastIndexOf('/') ? current.substring(colon) : "";
        String newName = image.path("newName").asText(name);
        String newTag = image.has("newTag") ? ":" + image.path("newTag").asText() : tag;
        container.put("image", newName + newTag);
    }

    /** The pod specs an object holds (Deployments, Jobs). */
    static List<ObjectNode> podSpecs(JsonNode object) {
        JsonNode spec = object.path("spec").path("template").path("spec");
        return spec.isObject() ? List.of((ObjectNode) spec) : List.of();
    }

    /** Strategic merge as kustomize does it for our patches: maps recursively, named list items by name. */
    private static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(e -> {
            JsonNode current = target.get(e.getKey());
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (current instanceof ObjectNode object && value.isObject()) {
                merge(object, value);
            } else if (current instanceof ArrayNode array && value.isArray() && named(array) && named(value)) {
                for (JsonNode item : value) {
                    JsonNode same = null;
                    for (JsonNode existing : array) {
                        if (existing.path("name").equals(item.path("name"))) {
                            same = existing;
                        }
                    }
                    if (same != null) {
                        merge((ObjectNode) same, item);
                    } else {
                        array.add(item.deepCopy());
                    }
                }
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        });
    }

    private static boolean named(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isObject() || !(item.get("name") instanceof TextNode)) {
                return false;
            }
        }
        return true;
    }

    static List<ObjectNode> documents(Path file, Set<Path> read) {
        read.add(file);
        List<ObjectNode> docs = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (values.hasNext()) {
                JsonNode doc = values.next();
                if (doc instanceof ObjectNode object && !object.isEmpty()) {
                    docs.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return docs;
    }
}
