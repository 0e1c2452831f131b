package com.koomy.billing;

import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What each limit counts: this community's rows, in the states and the calendar month (UTC) that count. */
class PlanLimitDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final PlanLimitDao dao = db.jdbi().onDemand(PlanLimitDao.class);

    @Test
    void countsOnlyTheCommunitysRowsThatCount() {
        UUID club = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            for (UUID c : new UUID[] {club, other}) {
                h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", c, "c-" + c);
            }
            for (String status : new String[] {"active", "pending", "expired"}) {
                member(h, club, status);
            }
            member(h, other, "active");
            h.execute("INSERT INTO community_subscriptions (community_id, plan) VALUES (?, 'pro')", club);
            h.execute("INSERT INTO events (id, community_id, title, starts_at, ends_at, time_zone) "
                    + "SELECT gen_random_uuid(), c, 'E', now(), now() + interval '1 hour', 'UTC' FROM unnest(?::uuid[]) c",
                    (Object) new UUID[] {club, club, other});
            String month = "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";
            h.execute("INSERT INTO content_drafts (id, community_id, kind, language, brief, created_at) VALUES "
                    + "(gen_random_uuid(), ?, 'news', 'fr', 'b', " + month + "), "
                    + "(gen_random_uuid(), ?, 'news', 'fr', 'b', " + month + " - interval '1 microsecond'), "
                    + "(gen_random_uuid(), ?, 'news', 'fr', 'b', now())", club, club, other);
            h.execute("INSERT INTO newsletters (id, community_id, idempotency_key, locale, subject, body, status, queued_at) VALUES "
                    + "(gen_random_uuid(), ?, 'a', 'fr', 's', 'b', 'sent', " + month + "), "
                    + "(gen_random_uuid(), ?, 'b', 'fr', 's', 'b', 'cancelled', now()), "
                    + "(gen_random_uuid(), ?, 'c', 'fr', 's', 'b', 'sent', " + month + " - interval '1 microsecond'), "
                    + "(gen_random_uuid(), ?, 'd', 'fr', 's', 'b', 'draft', NULL), "
                    + "(gen_random_uuid(), ?, 'e', 'fr', 's', 'b', 'queued', now())", club, club, club, club, other);
        });

        assertThat(dao.plan(club)).contains("pro");
        assertThat(dao.plan(other)).isEmpty();
        assertThat(dao.members(club)).isEqualTo(2);
        assertThat(dao.events(club)).isEqualTo(2);
        assertThat(dao.aiDraftsThisMonth(club)).isEqualTo(1);
        assertThat(dao.newslettersThisMonth(club)).isEqualTo(1);
        assertThat(dao.eventsTableMissing()).isFalse();
        int locked = db.jdbi().inTransaction(h -> h.attach(PlanLimitDao.class).lock(club.toString()));
        assertThat(locked).isEqualTo(1);
    }

    private static void member(Handle h, UUID community, String status) {
        UUID account = UUID.randomUUID();
        h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'M', 'x')", account, account + "@example.org");
        h.execute("INSERT INTO memberships (community_id, account_id, status) VALUES (?, ?, ?)", community, account, status);
    }
}
