package com.koomy.api.stripe;

import com.koomy.api.ResourceTests;
import com.koomy.api.payments.PaymentsRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpsStripeEventsResource} alone, as {@link PaymentsRoutes} registers it: operators only, parameters checked. */
class OpsStripeEventsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(OpsStripeEventsResource.class,
            t -> new PaymentsRoutes(t.app()).register(t.app(), t.limiter()));

    @Test
    void theEventsAreForOperatorsAndTheirParametersAreChecked() {
        api.anonymous().get("/api/ops/stripe/events").assertError(401, "unauthorized");
        assertThat(api.as(api.account("Curious")).get("/api/ops/stripe/events").status()).isIn(401, 403);

        assertThat(api.operator().get("/api/ops/stripe/events").body().get("items")).isEmpty();
        assertThat(api.operator().get("/api/ops/stripe/events?status=processed&limit=5").status()).isEqualTo(200);
        assertFields(api.operator().get("/api/ops/stripe/events?status=lost"), "invalid_status", "status");
        assertFields(api.operator().get("/api/ops/stripe/events?limit=0"), "invalid_limit", "limit");
    }

    @Test
    void replayingIsForOperatorsAndAnUnknownEventIs404() {
        api.anonymous().post("/api/ops/stripe/events/evt_unknown/replay", null).assertError(401, "unauthorized");
        assertThat(api.operator().post("/api/ops/stripe/events/evt_unknown/replay", null).status()).isEqualTo(404);
        assertThat(api.count("stripe_events")).isZero();
    }
}
