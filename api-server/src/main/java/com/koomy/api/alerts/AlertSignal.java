package com.koomy.api.alerts;

import java.util.function.Function;

/**
 * One alert: its name (health check {@code alert-<name>}), its threshold as configured, and how to
 * read it from the current inputs.
 */
public record AlertSignal(String name, String threshold, Function<AlertInputs, Reading> read) {

    /**
     * A signal's current value and whether it is over its threshold; {@code firing} null means no
     * data (the database could not be read): the alert keeps its state rather than flap.
     */
    public record Reading(Object value, Boolean firing, String message) {

        public static Reading unknown(String why) {
            return new Reading(null, null, why);
        }
    }
}
