package com.koomy.deploy;

import java.util.List;
import java.util.Map;

/**
 * The fields of KEDA's CRDs (keda.sh/v1alpha1, KEDA 2.x: ScaledObject and TriggerAuthentication) that
 * Koomy may use, read strictly: a misspelt or unsupported field fails. Add a field here only after
 * checking it in KEDA's CRD.
 */
final class Keda {

    private Keda() {
    }

    record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
    }

    record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {
    }

    record ScaledObjectSpec(ScaleTarget scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod,
                            Integer idleReplicaCount, Integer minReplicaCount, Integer maxReplicaCount,
                            Map<String, Object> fallback, Map<String, Object> advanced, List<Trigger> triggers) {
    }

    record ScaleTarget(String apiVersion, String kind, String name, String envSourceContainerName) {
    }

    record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef,
                   String metricType, Boolean useCachedMetrics) {
    }

    record AuthenticationRef(String name, String kind) {
    }

    record TriggerAuthentication(String apiVersion, String kind, Metadata metadata, TriggerAuthenticationSpec spec) {
    }

    record TriggerAuthenticationSpec(List<SecretTarget> secretTargetRef, List<Map<String, String>> env,
                                     Map<String, Object> podIdentity) {
    }

    record SecretTarget(String parameter, String name, String key) {
    }
}
