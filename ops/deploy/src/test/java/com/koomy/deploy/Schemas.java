package com.koomy.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates an object against its kind's schema: fabric8's Kubernetes model (generated from the Kubernetes
 * OpenAPI document) for built-in kinds, records of KEDA's CRD fields for KEDA's. A field the schema does not
 * have is an error: fabric8's classes keep unknown fields in {@code additionalProperties} rather than failing,
 * so every object of the parsed tree is searched for them; a mistyped value fails the parse itself.
 */
final class Schemas {

    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/Namespace", Namespace.class, "v1/ConfigMap", ConfigMap.class, "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class, "batch/v1/Job", Job.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class, "networking.k8s.io/v1/Ingress", Ingress.class);
    private static final Map<String, Class<?>> KEDA = Map.of(
            "keda.sh/v1alpha1/ScaledObject", Keda.ScaledObject.class,
            "keda.sh/v1alpha1/TriggerAuthentication", Keda.TriggerAuthentication.class);

    /** fabric8's model is built on Jackson 3. */
    private static final JsonMapper FABRIC8 = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Schemas() {
    }

    /** What is wrong with {@code object} (empty: valid). */
    static List<String> problems(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String where = type + " " + object.path("metadata").path("name").asText();
        List<String> problems = new ArrayList<>();
        try {
            if (BUILT_IN.containsKey(type)) {
                unknownFields(FABRIC8.readValue(object.toString(), BUILT_IN.get(type)), where, problems);
            } else if (KEDA.containsKey(type)) {
                STRICT.treeToValue(object, KEDA.get(type));
            } else {
                problems.add(where + ": no schema for this kind");
            }
        } catch (Exception e) {
            problems.add(where + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        return problems;
    }

    /** Walks fabric8's object tree: any {@code additionalProperties} is a field the schema lacks. */
    private static void unknownFields(Object value, String path, List<String> problems) throws ReflectiveOperationException {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), problems);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3, 4).toLowerCase() + getter.getName().substring(4), problems);
            }
        }
    }
}
