package com.koomy.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * How loud tests are: WARN and above by default, so that a failure's own lines are not buried under thousands of
 * ordinary ones; {@code -Dkoomy.test.log=INFO} (or DEBUG) brings everything back. One level for the apps tests
 * start (root and request log, ApiTestApp and WorkerTestApp) and for code tested without Dropwizard
 * (logback-test.xml).
 */
public final class TestLogging {

    /** The Dropwizard override keys that take {@link #level()}: the app's root logger and its request log. */
    public static final String ROOT = "logging.level";
    public static final String REQUESTS = "logging.loggers.koomy\\.request.level";

    private TestLogging() {
    }

    public static String level() {
        String level = System.getProperty("koomy.test.log");
        return level == null || level.isBlank() ? "WARN" : level;
    }

    /**
     * Puts this JVM's root logger back at {@link #level()}: once an app of an earlier test class has stopped,
     * Dropwizard leaves its console logging at INFO, and the next class's migrations would print every step.
     */
    public static void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level(), Level.WARN));
        }
    }
}
