package com.koomy.api.docs;

import io.swagger.v3.core.util.AnnotationsUtils;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Schema;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a response always carries. swagger-core takes {@code required} from Bean Validation, which describes
 * input; a response record has none, so its schema said every field may be absent or null and a generated
 * client could rely on nothing. Here a schema reached from a response lists as required every property not
 * {@code @Nullable} (nor {@code Optional}), and only those may be null; a record whose properties say it themselves
 * ({@code @Schema(requiredMode = ...)}, as the ones written with {@code NON_NULL}) keeps its own list. A schema reached from both a request
 * body and a response is split: the response keeps the name, the request side gets a copy named
 * {@code <name>Input} that keeps the Bean Validation rules (and so do the schemas it refers to).
 */
final class ResponseSchemas {

    static final String INPUT = "Input";
    private static final String REF = "#/components/schemas/";

    private ResponseSchemas() {
    }

    static void apply(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
        if (schemas == null || api.getPaths() == null) {
            return;
        }
        List<Object> requestRoots = new ArrayList<>();
        List<Object> responseRoots = new ArrayList<>();
        api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                op.getRequestBody().getContent().values().forEach(media -> requestRoots.add(media.getSchema()));
            }
            if (op.getParameters() != null) {
                op.getParameters().forEach(p -> requestRoots.add(p.getSchema()));
            }
            if (op.getResponses() != null) {
                op.getResponses().values().stream().filter(r -> r.getContent() != null)
                        .forEach(r -> r.getContent().values().forEach(media -> responseRoots.add(media.getSchema())));
            }
        }));
        Set<String> requested = reached(requestRoots, schemas);
        Set<String> answered = reached(responseRoots, schemas);
        Set<String> both = new LinkedHashSet<>(requested);
        both.retainAll(answered);
        for (String name : both) {
            Schema<?> input = AnnotationsUtils.clone(schemas.get(name), false);
            schemas.put(name + INPUT, input);
        }
        if (!both.isEmpty()) {
            Consumer<Schema<?>> toInput = s -> renameRefs(s, both);
            api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
                if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                    op.getRequestBody().getContent().values().forEach(media -> toInput.accept(media.getSchema()));
                }
                if (op.getParameters() != null) {
                    op.getParameters().forEach(p -> toInput.accept(p.getSchema()));
                }
            }));
            requested.forEach(name -> toInput.accept(schemas.get(both.contains(name) ? name + INPUT : name)));
        }
        answered.forEach(name -> always(name, schemas.get(name)));
    }

    /** The property rule of a response schema: required unless it may be null, nullable only then. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void always(String name, Schema<?> schema) {
        Set<String> mayBeNull = SchemaNames.mayBeNull(name);
        if (mayBeNull == null || schema == null || schema.getProperties() == null) {
            return; // not one of our records (an enum, a library type): as swagger-core wrote it
        }
        List<String> required = new ArrayList<>();
        for (Map.Entry<String, Schema> property : schema.getProperties().entrySet()) {
            Schema described = property.getValue();
            if (mayBeNull.contains(property.getKey())) {
                if (described.get$ref() != null) {
                    property.setValue(new ComposedSchema().addAllOfItem(described).nullable(true));
                } else {
                    described.setNullable(true);
                }
                continue;
            }
            required.add(property.getKey());
            if (described.getAllOf() != null && described.getAllOf().size() == 1 && described.getProperties() == null
                    && ((Schema<?>) described.getAllOf().get(0)).get$ref() != null) {
                property.setValue((Schema) described.getAllOf().get(0)); // the nullable wrapper of a $ref, no longer needed
            } else {
                described.setNullable(null);
                if (described.getEnum() != null) {
                    described.getEnum().removeIf(java.util.Objects::isNull);
                }
            }
        }
        schema.setRequired(required.isEmpty() ? null : required);
    }

    /** The component schemas {@code roots} refer to, directly or through other schemas. */
    private static Set<String> reached(Collection<Object> roots, Map<String, Schema> schemas) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<Object> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Object next = todo.pop();
            if (!(next instanceof Schema<?> schema)) {
                continue;
            }
            String ref = schema.get$ref();
            if (ref != null && ref.startsWith(REF) && seen.add(ref.substring(REF.length()))) {
                todo.add(schemas.get(ref.substring(REF.length())));
            }
            todo.addAll(children(schema));
        }
        return seen;
    }

    private static void renameRefs(Schema<?> schema, Set<String> both) {
        if (schema == null) {
            return;
        }
        String ref = schema.get$ref();
        if (ref != null && ref.startsWith(REF) && both.contains(ref.substring(REF.length()))) {
            schema.set$ref(ref + INPUT);
        }
        children(schema).forEach(child -> renameRefs(child, both));
    }

    private static List<Schema<?>> children(Schema<?> schema) {
        List<Schema<?>> children = new ArrayList<>();
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(children::add);
        }
        if (schema.getItems() != null) {
            children.add(schema.getItems());
        }
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            children.add(values);
        }
        for (List<Schema> parts : java.util.Arrays.asList(schema.getAllOf(), schema.getOneOf(), schema.getAnyOf())) {
            if (parts != null) {
                parts.forEach(children::add);
            }
        }
        return children;
    }
}
