package com.koomy.testing;

import io.dropwizard.core.Configuration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An app (the API or the worker) on a test database of its own, with Stripe's stub where money moves: one
 * {@code @RegisterExtension static} field for what a test class sets up. Started in that order and stopped
 * in the reverse, as fields registered one after the other would be.
 */
public final class TestStack<C extends Configuration> implements BeforeAllCallback, AfterAllCallback {

    public final TestDatabase db = new TestDatabase();
    /** Null in a stack built without it ({@link #of}). */
    public final StripeStub stripe;
    public final DropwizardAppExtension<C> app;

    private TestStack(boolean withStripe, BiFunction<TestDatabase, StripeStub, DropwizardAppExtension<C>> app) {
        this.stripe = withStripe ? new StripeStub() : null;
        this.app = app.apply(db, stripe);
    }

    /** {@code app} builds the app's extension on this database. */
    public static <C extends Configuration> TestStack<C> of(Function<TestDatabase, DropwizardAppExtension<C>> app) {
        return new TestStack<>(false, (db, stripe) -> app.apply(db));
    }

    /** {@code app} builds the app's extension on this database and this stub. */
    public static <C extends Configuration> TestStack<C> withStripe(
            BiFunction<TestDatabase, StripeStub, DropwizardAppExtension<C>> app) {
        return new TestStack<>(true, app);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db.beforeAll(context);
        if (stripe != null) {
            stripe.beforeAll(context);
        }
        app.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            app.afterAll(context);
        } finally {
            try {
                if (stripe != null) {
                    stripe.afterAll(context);
                }
            } finally {
                db.afterAll(context);
            }
        }
    }
}
