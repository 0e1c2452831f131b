package com.koomy.api;

import io.dropwizard.jersey.DropwizardResourceConfig;
import io.dropwizard.jersey.setup.JerseyContainerHolder;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import jakarta.servlet.http.HttpServletRequest;
import org.glassfish.jersey.internal.inject.AbstractBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What {@link ResourceTests} needs around dropwizard-testing's in-memory Jersey. */
final class InMemoryJersey {

    /**
     * In-memory HTTP has no servlet request: {@code @Context HttpServletRequest} parameters get null (the resources
     * then record the device as unknown) instead of Jersey logging a failed injection with its stack.
     */
    static final AbstractBinder NO_SERVLET_REQUEST = new AbstractBinder() {
        @Override
        protected void configure() {
            bindFactory((Supplier<HttpServletRequest>) () -> null).to(HttpServletRequest.class);
        }
    };

    private InMemoryJersey() {
    }

    /** The app's {@code environment.jersey()} in a test: keeps what the code under test registers, serves nothing. */
    static final class Registrations extends JerseyEnvironment {
        private final List<Object> registered = new ArrayList<>();

        Registrations() {
            super(new JerseyContainerHolder(null), new DropwizardResourceConfig());
        }

        @Override
        public void register(Object component) {
            registered.add(component);
        }

        List<Object> registered() {
            return registered;
        }
    }

    interface Step {
        void run() throws Throwable;
    }

    /** Runs a step of dropwizard-testing's (declared {@code throws Throwable}) as a JUnit callback may. */
    static void run(Step step) throws Exception {
        try {
            step.run();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
