package com.koomy.email;

import com.koomy.db.KoomyDatabase;
import com.koomy.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V16 brings stored addresses to {@link EmailAddresses#normalize}'s form, on a database migrated up to V14
 * and filled the way the old code stored addresses (Java lower case only): collisions are never merged.
 */
class EmailNormalizationMigrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase(false);

    private static Flyway flyway(String target) {
        return Flyway.configure().configuration(KoomyDatabase.flyway(db.dataSourceFactory()).getConfiguration())
                .target(target).load();
    }

    private static UUID account(Handle h, String email, boolean verified, String createdAt) {
        UUID id = UUID.randomUUID();
        h.execute("INSERT INTO accounts (id, email, name, password_hash, email_verified_at, created_at) "
                + "VALUES (?, ?, 'n', 'x', CASE WHEN ? THEN now() END, CAST(? AS timestamptz))", id, email, verified, createdAt);
        return id;
    }

    @Test
    void addressesBecomeNormalAndCollisionsAreKeptApartForAnOperator() {
        flyway("14").migrate();
        var jdbi = db.jdbi();
        Map<String, UUID> ids = jdbi.withHandle(h -> {
            UUID bob = account(h, "bob@example.org", false, "2026-01-02");
            // The same address in full-width letters, older and verified: bob keeps the address, being spelled normally.
            UUID wideBob = account(h, "ｂob@example.org", true, "2026-01-01");
            // Two spellings of one new address: the verified one gets it.
            UUID wideAnn = account(h, "ａnn@example.org", false, "2026-01-01");
            UUID wideAnn2 = account(h, "ａｎn@example.org", true, "2026-01-03");
            UUID hans = account(h, "ℌans@example.org", false, "2026-01-01");
            UUID ilker = account(h, "i\u0307lker@example.org", false, "2026-01-01");
            UUID community = UUID.randomUUID();
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', 'club-migration')", community);
            h.execute("INSERT INTO invitations (token_hash, id, community_id, email, expires_at) VALUES "
                    + "('\\x01', ?, ?, 'carol@example.org', now() + interval '1 day'), "
                    + "('\\x02', ?, ?, 'ｃarol@example.org', now() + interval '1 day'), "
                    + "('\\x03', ?, ?, 'ｄave@example.org', now() + interval '1 day')",
                    UUID.randomUUID(), community, UUID.randomUUID(), community, UUID.randomUUID(), community);
            h.execute("INSERT INTO email_suppressions (email, reason, scope) VALUES "
                    + "('eve@example.org', 'group_unsubscribe', 'bulk'), ('ｅve@example.org', 'bounce', 'all'), "
                    + "('ｆay@example.org', 'bounce', 'all')");
            return Map.of("bob", bob, "wideBob", wideBob, "wideAnn", wideAnn, "wideAnn2", wideAnn2, "hans", hans, "ilker", ilker);
        });

        flyway("16").migrate();

        jdbi.useHandle(h -> {
            assertThat(email(h, ids.get("bob"))).isEqualTo("bob@example.org");
            assertThat(email(h, ids.get("wideBob"))).as("left as it was").isEqualTo("ｂob@example.org");
            assertThat(email(h, ids.get("wideAnn2"))).isEqualTo("ann@example.org");
            assertThat(email(h, ids.get("wideAnn"))).isEqualTo("ａnn@example.org");
            assertThat(email(h, ids.get("hans"))).isEqualTo("hans@example.org");
            assertThat(email(h, ids.get("ilker"))).isEqualTo("i\u0307lker@example.org");
            assertThat(h.createQuery("SELECT account_id, kept_account_id FROM email_normalization_conflicts ORDER BY email")
                    .map((rs, ctx) -> List.of(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list())
                    .containsExactlyInAnyOrder(List.of(ids.get("wideBob"), ids.get("bob")), List.of(ids.get("wideAnn"), ids.get("wideAnn2")));
            assertThat(h.createQuery("SELECT email FROM invitations ORDER BY email").mapTo(String.class).list())
                    .containsExactly("carol@example.org", "dave@example.org");
            assertThat(h.createQuery("SELECT email || ':' || scope FROM email_suppressions ORDER BY email").mapTo(String.class).list())
                    .containsExactly("eve@example.org:all", "fay@example.org:all");
        });
    }

    private static String email(Handle h, UUID id) {
        return h.createQuery("SELECT email FROM accounts WHERE id = :id").bind("id", id).mapTo(String.class).one();
    }
}
