package com.koomy.api.accounts;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Guessing the current password from a signed-in session costs what guessing it at sign-in costs. */
class MyAccountRateLimitTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    @Test
    void currentPasswordGuessesShareTheSignInBudgetOfTheAccountsEmail() {
        User victim = api.user("Stolen Session"); // its sign-in spent 1 of loginEmail's 5 a minute
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(api.call("POST", "/api/me/password", victim.token(),
                    Map.of("currentPassword", "guess number " + i, "newPassword", "attacker's password")).status());
        }
        statuses.add(api.call("POST", "/api/me/email", victim.token(),
                Map.of("currentPassword", "guess number 5", "newEmail", "attacker@example.org")).status());
        // The right password now: refused too, nothing changed.
        statuses.add(api.call("POST", "/api/me/password", victim.token(),
                Map.of("currentPassword", "correct horse battery", "newPassword", "attacker's password")).status());
        assertThat(statuses).containsExactly(400, 400, 400, 400, 429, 429);
        assertThat(api.call("POST", "/api/auth/login", null,
                Map.of("email", victim.email(), "password", "attacker's password")).status()).isIn(401, 429);
        int changeEmails = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM emails WHERE template LIKE 'email_change%'")
                .mapTo(Integer.class).one());
        assertThat(changeEmails).isZero();
    }
}
