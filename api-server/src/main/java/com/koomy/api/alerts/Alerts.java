package com.koomy.api.alerts;

import com.koomy.api.stats.OpsSnapshot;
import com.koomy.api.stats.RequestWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates every {@link AlertSignal} after each operations sample and remembers since when each
 * alert is in its state. Per process: a restart forgets the "since", nothing else (the inputs are
 * shared: all instances' requests from Redis, the database's counts).
 */
public class Alerts {

    private static final Logger LOG = LoggerFactory.getLogger("koomy.alerts");

    /**
     * An alert's state; {@code since}: when it entered it (or when this process first judged it).
     * Times are ISO-8601 strings, as operators read them.
     */
    public record AlertState(String name, boolean active, String since, Object value, String threshold,
                             String message, String evaluatedAt) {
    }

    private final List<AlertSignal> signals;
    private final RequestWindows requests;
    private final int windowMinutes;
    private final Clock clock;
    private final Map<String, AlertState> states = new ConcurrentHashMap<>();

    public Alerts(List<AlertSignal> signals, RequestWindows requests, int windowMinutes, Clock clock) {
        this.signals = List.copyOf(signals);
        this.requests = requests;
        this.windowMinutes = windowMinutes;
        this.clock = clock;
    }

    public List<String> names() {
        return signals.stream().map(AlertSignal::name).toList();
    }

    public void evaluate(OpsSnapshot snapshot) {
        RequestWindows.Window window = requests.last(windowMinutes, true);
        AlertInputs inputs = new AlertInputs(snapshot, window.summary(0), window.scope());
        Instant now = clock.instant();
        for (AlertSignal signal : signals) {
            AlertSignal.Reading reading;
            try {
                reading = signal.read().apply(inputs);
            } catch (RuntimeException e) {
                reading = AlertSignal.Reading.unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            AlertState before = states.get(signal.name());
            boolean wasActive = before != null && before.active();
            boolean active = reading.firing() == null ? wasActive : reading.firing();
            String since = before != null && before.active() == active ? before.since() : now.toString();
            if (before != null && before.active() != active) {
                LOG.warn("Alert {} {}: {}", signal.name(), active ? "ACTIVE" : "resolved", reading.message());
            } else if (before == null && active) {
                LOG.warn("Alert {} ACTIVE: {}", signal.name(), reading.message());
            }
            states.put(signal.name(), new AlertState(signal.name(), active, since,
                    reading.firing() == null && before != null ? before.value() : reading.value(),
                    signal.threshold(), reading.message(), now.toString()));
        }
    }

    public Optional<AlertState> state(String name) {
        return Optional.ofNullable(states.get(name));
    }

    /** Every alert in a stable order; an alert not yet evaluated is left out. */
    public List<AlertState> current() {
        return signals.stream().map(s -> states.get(s.name())).filter(java.util.Objects::nonNull).toList();
    }
}
