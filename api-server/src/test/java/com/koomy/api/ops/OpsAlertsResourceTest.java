package com.koomy.api.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpsAlertsResource} alone, as {@link OpsRoutes} registers it: every alert's state, for operators. */
class OpsAlertsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(OpsAlertsResource.class, t -> OpsRoutes.register(t.app()));

    @Test
    void isForOperatorsOnly() {
        api.anonymous().get("/api/ops/alerts").assertError(401, "unauthorized");
        api.as(api.account("Member")).get("/api/ops/alerts").assertError(403, "forbidden");
        assertThat(api.as(api.operatorAccount("Operator")).get("/api/ops/alerts").status()).isEqualTo(200);
    }

    @Test
    void answers200WithNothingActiveBeforeTheFirstEvaluation() {
        // alerts are evaluated by the ops sampler on its schedule (not started here), never on request
        JsonNode body = api.operator().get("/api/ops/alerts").body();

        assertThat(body.get("active").isArray()).isTrue();
        assertThat(body.get("active")).isEmpty();
        assertThat(body.get("alerts").isArray()).isTrue();
        assertThat(body.get("alerts")).isEmpty();
    }
}
