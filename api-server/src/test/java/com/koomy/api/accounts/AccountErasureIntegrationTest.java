package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.AccountErasure;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The erasure of deleted accounts (issue 21, GDPR art. 17), run as the worker's job does but with a clock moved
 * past the grace period, on accounts deleted through the HTTP API: personal data erased or pseudonymised,
 * payments kept under the pseudonym, the address free again; a run killed midway resumes from its cursor.
 */
class AccountErasureIntegrationTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String OPS_TOKEN = "ops-token-account-erasure-0123456789";

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("opsToken", OPS_TOKEN));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final DeletionFixtures fx = new DeletionFixtures(api, db);

    @Test
    void afterTheGracePeriodTheJobErasesPersonalDataKeepsPaymentsAndFreesTheAddress() throws Exception {
        User owner = api.user("Treasurer Owner");
        UUID club = api.community(owner, "Erasure Club", "public", "open");
        User ada = fx.member(club, "Ada Erased");
        UUID payment = fx.cashPayment(club, owner, ada);
        fx.avatar(club, ada);
        // A value for one of the club's member fields (its row stays, as an ended membership).
        assertThat(api.call("PUT", "/api/communities/" + club + "/member-fields", owner.token(), Map.of("fields",
                java.util.List.of(Map.of("key", "phone", "label", "Phone", "type", "phone")))).status()).isEqualTo(200);
        assertThat(api.call("PATCH", "/api/communities/" + club + "/members/me", ada.token(),
                Map.of("fields", Map.of("phone", "+33612345678"))).status()).isEqualTo(200);
        assertThat(api.call("POST", "/api/me/export", ada.token(), null).status()).isEqualTo(202);
        assertThat(fx.count("SELECT count(*) FROM emails WHERE recipients::text LIKE ?", "%" + ada.email() + "%")).isPositive();
        assertThat(fx.deleteMe(ada, Map.of("currentPassword", PASSWORD)).status()).isEqualTo(202);

        AccountErasure now = new AccountErasure(db.jdbi(), ApiTestApp.sessions(app), Clock.systemUTC(), 3);
        assertThat(now.erase(ada.id())).as("within the grace period").isEmpty();
        assertThat(fx.count("SELECT count(*) FROM accounts WHERE id = ? AND email = ?", ada.id(), ada.email())).isEqualTo(1);

        // Batches of 3 emails a transaction: the pass takes many pages, each moving the cursor.
        AccountErasure later = new AccountErasure(db.jdbi(), ApiTestApp.sessions(app),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(31)), 3);
        AccountErasure.Run run = later.eraseDue();
        assertThat(run.accountsErased()).isPositive();
        assertThat(run.failures()).isZero();

        String pseudonym = AccountErasure.pseudonym(ada.id());
        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT email, name, password_hash, email_verified_at, erased_at FROM accounts WHERE id = :id")
                .bind("id", ada.id()).mapToMap().one());
        assertThat(row.get("email")).isEqualTo(pseudonym);
        assertThat(row.get("name")).isEqualTo(AccountErasure.ERASED_NAME);
        assertThat(row.get("password_hash")).isEqualTo("!erased");
        assertThat(row.get("email_verified_at")).isNull();
        assertThat(row.get("erased_at")).isNotNull();
        // Nothing left that names or reaches the person...
        assertThat(fx.count("SELECT count(*) FROM emails WHERE recipients::text LIKE ? OR variables::text LIKE ? "
                + "OR html_body LIKE ? OR text_body LIKE ?", "%" + ada.email() + "%", "%Ada Erased%", "%Ada Erased%",
                "%Ada Erased%")).isZero();
        assertThat(fx.count("SELECT count(*) FROM emails WHERE recipients -> 0 ->> 'email' = ? AND variables = '{}'::jsonb "
                + "AND html_body IS NULL AND subject IS NULL", pseudonym)).isPositive();
        assertThat(fx.count("SELECT count(*) FROM account_tokens WHERE account_id = ?", ada.id())).isZero();
        assertThat(fx.count("SELECT count(*) FROM account_exports WHERE account_id = ?", ada.id())).isZero();
        assertThat(fx.count("SELECT count(*) FROM media WHERE target_kind = 'member_avatar' AND target_id = ?", ada.id())).isZero();
        assertThat(fx.count("SELECT count(*) FROM memberships WHERE account_id = ? AND fields <> '{}'", ada.id())).isZero();
        // ...while the payment and its receipt stay, under the pseudonym's name.
        assertThat(fx.count("SELECT count(*) FROM payments p JOIN accounts a ON a.id = p.account_id "
                + "WHERE p.id = ? AND a.name = ? AND p.amount = 2500", payment, AccountErasure.ERASED_NAME)).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM receipts WHERE payment_id = ?", payment)).isEqualTo(1);
        ApiReply list = api.get("/api/communities/" + club + "/payments", owner.token());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().toString()).doesNotContain("Ada Erased").doesNotContain(ada.email());

        JsonNode seen = fx.deletionSeenByOperator(ada.id(), OPS_TOKEN);
        assertThat(seen.get("status").asText()).isEqualTo("erased");
        assertThat(DeletionFixtures.steps(seen)).containsSubsequence("requested", "erasure_started", "emails_erased", "erased");
        assertThat(seen.get("steps").get(seen.get("steps").size() - 1).get("actor").asText()).isEqualTo("system");

        // Run again (a rerun after a kill): nothing more to do, nothing changes.
        assertThat(later.erase(ada.id())).isEqualTo(OptionalLong.empty());
        assertThat(later.eraseDue().accountsErased()).isZero();

        // The old address signs in to nothing and is free for a new account.
        assertThat(api.call("POST", "/api/auth/login", null, Map.of("email", ada.email(), "password", PASSWORD)).status())
                .isEqualTo(401);
        assertThat(fx.restore(ada.email(), PASSWORD).status()).isEqualTo(401);
        ApiReply again = api.call("POST", "/api/auth/register", null,
                Map.of("email", ada.email(), "password", PASSWORD, "name", "Ada Anew", "locale", "fr"));
        assertThat(again.status()).as(again.body().toString()).isEqualTo(201);
        assertThat(UUID.fromString(again.body().get("id").asText())).isNotEqualTo(ada.id());
        assertThat(fx.login(ada.email(), PASSWORD)).isNotBlank();
    }

    @Test
    void anErasureKilledMidwayResumesWhereItStoppedAndARestoreIsThenRefused() {
        User kim = api.user("Kim Interrupted");
        for (int i = 0; i < 4; i++) {
            assertThat(api.call("POST", "/api/auth/password-reset", null, Map.of("email", kim.email())).status()).isEqualTo(202);
        }
        assertThat(fx.deleteMe(kim, Map.of("currentPassword", PASSWORD)).status()).isEqualTo(202);
        Clock after = Clock.offset(Clock.systemUTC(), Duration.ofDays(31));
        // The first run dies after two pages of 3 emails (as a worker killed there): those pages are committed.
        AccountErasure killed = new AccountErasure(db.jdbi(), ApiTestApp.sessions(app), after, 3) {
            private int pages;

            @Override
            protected void pageCommitted(UUID accountId, com.koomy.accounts.AccountErasureDao.EmailPage page) {
                if (accountId.equals(kim.id()) && ++pages == 2) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> killed.erase(kim.id())).hasMessage("killed");
        JsonNode midway = fx.deletionSeenByOperator(kim.id(), OPS_TOKEN);
        assertThat(midway.get("status").asText()).isEqualTo("erasing");
        assertThat(fx.count("SELECT count(*) FROM accounts WHERE id = ? AND erasure_cursor_id IS NOT NULL AND email = ?",
                kim.id(), kim.email())).isEqualTo(1);
        ApiReply restore = fx.restore(kim.email(), PASSWORD);
        assertThat(restore.status()).isEqualTo(409);
        assertThat(restore.code()).isEqualTo("grace_period_over");

        AccountErasure rerun = new AccountErasure(db.jdbi(), ApiTestApp.sessions(app), after, 3);
        assertThat(rerun.erase(kim.id())).isPresent();
        assertThat(fx.count("SELECT count(*) FROM emails WHERE recipients::text LIKE ?", "%" + kim.email() + "%")).isZero();
        assertThat(fx.count("SELECT count(*) FROM emails WHERE recipients -> 0 ->> 'email' = ? AND template = 'password_reset' "
                + "AND variables = '{}'::jsonb", AccountErasure.pseudonym(kim.id()))).isEqualTo(4);
        JsonNode done = fx.deletionSeenByOperator(kim.id(), OPS_TOKEN);
        assertThat(done.get("status").asText()).isEqualTo("erased");
        assertThat(DeletionFixtures.steps(done).stream().filter("erasure_started"::equals).count()).isEqualTo(1);
    }
}
