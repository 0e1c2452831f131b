package com.koomy.stripe.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Which handler applies which event type. Types with no handler are stored and marked ignored. */
public class StripeEventHandlers {

    private final Map<String, StripeEventHandler> byType = new LinkedHashMap<>();

    public StripeEventHandlers register(String type, StripeEventHandler handler) {
        if (byType.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("A handler for " + type + " is already registered");
        }
        return this;
    }

    public Optional<StripeEventHandler> forType(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public Map<String, StripeEventHandler> all() {
        return Collections.unmodifiableMap(byType);
    }
}
