package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.AccountDeletionDao;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpsAccountDeletionResource} alone, as the app registers it: operators read any account's deletion. */
class OpsAccountDeletionResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(OpsAccountDeletionResource.class, DeletionWiring::register);

    @Test
    void onlyOperatorsMayRead() {
        ApiCalls.User member = api.account("Member");
        String path = "/api/ops/accounts/" + member.id() + "/deletion";

        api.anonymous().get(path).assertError(401, "unauthorized");
        api.as(member).get(path).assertError(403, "forbidden"); // an account, but no operator
        api.bearer(ResourceTests.OPERATOR_TOKEN + "x").get(path).assertError(401, "invalid_session");
        assertThat(api.operator().get(path).status()).isEqualTo(200);
        assertThat(api.as(api.operatorAccount("Operator")).get(path).status()).isEqualTo(200);
    }

    @Test
    void answersTheAccountsDeletionWithItsLog() {
        ApiCalls.User active = api.account("Staying");
        ApiCalls.User leaving = api.account("Leaving");
        Instant now = Instant.now();
        api.jdbi().useExtension(AccountDeletionDao.class, dao -> { // as a request does, then the erasure job's start
            dao.request(leaving.id(), now, now.plus(Duration.ofDays(30)));
            dao.log(leaving.id(), "requested", "account", "{}", now);
            dao.startErasure(leaving.id(), now);
        });

        JsonNode stays = api.operator().get("/api/ops/accounts/" + active.id() + "/deletion").body();
        assertThat(stays.get("accountId").asText()).isEqualTo(active.id().toString());
        assertThat(stays.get("status").asText()).isEqualTo("active");
        assertThat(stays.get("steps")).isEmpty();

        JsonNode erasing = api.operator().get("/api/ops/accounts/" + leaving.id() + "/deletion").body();
        assertThat(erasing.get("status").asText()).isEqualTo("erasing");
        assertThat(Instant.parse(erasing.get("scheduledErasureAt").asText())).isAfter(now.plus(Duration.ofDays(29)));
        assertThat(erasing.get("steps").get(0).get("step").asText()).isEqualTo("requested");
        assertThat(erasing.get("steps").get(0).get("actor").asText()).isEqualTo("account");
    }

    @Test
    void anUnknownAccountIs404AndAMalformedIdIsRefused() {
        api.operator().get("/api/ops/accounts/" + UUID.randomUUID() + "/deletion").assertError(404, "account_not_found");
        assertThat(api.operator().get("/api/ops/accounts/not-a-uuid/deletion").status()).isEqualTo(404);
    }
}
