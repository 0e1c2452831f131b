package com.koomy.accounts;

import com.koomy.email.EmailDao;
import com.koomy.media.MediaDao;
import com.koomy.memberships.InvitationDao;
import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccountErasureDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static AccountErasureDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(AccountErasureDao.class);
    }

    private static String to(String... emails) {
        StringBuilder json = new StringBuilder("[");
        for (String email : emails) {
            json.append(json.length() > 1 ? "," : "").append("{\"email\":\"").append(email).append("\",\"name\":\"N\"}");
        }
        return json.append(']').toString();
    }

    /** An email as the delivery job leaves it: rendered, in {@code status}, {@code suppressed} among its recipients. */
    private static UUID email(String recipients, String status, String suppressed) {
        UUID id = UUID.randomUUID();
        db.jdbi().useExtension(EmailDao.class, d -> d.insert(new EmailDao.NewEmail(id, "k-" + id, null, "welcome", "fr",
                recipients, "{\"link\":\"https://x\"}", false, null, null, false)));
        rows.sql("UPDATE emails SET status = ?, subject = 'Subject', html_body = 'h', text_body = 't', last_error = 'e',"
                + " suppressed = CAST(? AS jsonb) WHERE id = ?", status, suppressed, id);
        return id;
    }

    private static String column(UUID email, String column) {
        return rows.one(String.class, "SELECT " + column + "::text FROM emails WHERE id = ?", email);
    }

    @Test
    void thePassOverEmailsErasesThePersonPageByPageAndKeepsWhatOthersShare() {
        String person = "p-" + UUID.randomUUID() + "@example.org";
        String other = "o-" + UUID.randomUUID() + "@example.org";
        String pseudonym = "erased-" + UUID.randomUUID() + "@invalid";
        UUID alone = email(to(person), "queued", null);
        UUID shared = email(to(other, person), "sent", null);
        UUID leftOut = email(to(other, person), "sending", to(person));
        UUID notTheirs = email(to(other), "queued", null);

        long scanned = 0;
        long erased = 0;
        int pages = 0;
        UUID after = new UUID(0, 0);
        for (AccountErasureDao.EmailPage page = dao.erasePage(person, pseudonym, after, 2); page.lastId() != null;
             page = dao.erasePage(person, pseudonym, after, 2)) {
            assertThat(page.scanned()).isBetween(1L, 2L);
            assertThat(page.lastId()).isNotEqualTo(after);
            scanned += page.scanned();
            erased += page.erased();
            after = page.lastId();
            pages++;
        }

        assertThat(scanned).isEqualTo(rows.count("SELECT count(*) FROM emails"));
        assertThat(pages).isEqualTo((int) (scanned + 1) / 2);
        assertThat(erased).isEqualTo(3);
        assertThat(column(alone, "recipients")).isEqualTo("[{\"email\": \"" + pseudonym + "\"}]");
        assertThat(column(alone, "status")).isEqualTo("suppressed");
        assertThat(column(alone, "variables")).isEqualTo("{}");
        assertThat(column(alone, "coalesce(subject, html_body, text_body, last_error)")).isNull();
        assertThat(column(shared, "recipients"))
                .isEqualTo("[{\"name\": \"N\", \"email\": \"" + other + "\"}, {\"email\": \"" + pseudonym + "\"}]");
        assertThat(column(shared, "status || subject || html_body")).isEqualTo("sentSubjecth");
        assertThat(column(leftOut, "suppressed")).isEqualTo("[{\"email\": \"" + pseudonym + "\"}]");
        assertThat(column(leftOut, "status")).as("others still get it").isEqualTo("sending");
        assertThat(column(notTheirs, "recipients")).contains(other).doesNotContain(pseudonym);
        assertThat(column(notTheirs, "subject")).isEqualTo("Subject");
    }

    @Test
    void emailsQueuedSinceThePassBeganAreErasedAndOlderOnesAreLeftToThePass() {
        String person = "s-" + UUID.randomUUID() + "@example.org";
        UUID before = email(to(person), "queued", null);
        UUID since = email(to(person), "queued", null);
        Instant began = Instant.parse("2025-06-01T00:00:00Z");
        rows.sql("UPDATE emails SET created_at = ? WHERE id = ?", began.minusMillis(1), before);
        rows.sql("UPDATE emails SET created_at = ? WHERE id = ?", began, since);

        assertThat(dao.eraseSince(person, "gone@invalid", began)).isEqualTo(1);
        assertThat(column(since, "status")).isEqualTo("suppressed");
        assertThat(column(before, "status")).isEqualTo("queued");
    }

    @Test
    void invitationsPendingGoAndAcceptedOnesKeepAPseudonym() {
        UUID club = rows.community("Invites");
        String person = "i-" + UUID.randomUUID() + "@example.org";
        UUID accepted = UUID.randomUUID();
        UUID admin = rows.account("Admin");
        db.jdbi().useExtension(InvitationDao.class, d -> {
            d.insert(new InvitationDao.NewInvitation(new byte[] {1}, accepted, club, person, "member", admin, Instant.now()));
            d.markAccepted(accepted, admin);
            d.insert(new InvitationDao.NewInvitation(new byte[] {2}, UUID.randomUUID(), club, person, "member", admin,
                    Instant.now().plusSeconds(60)));
            d.insert(new InvitationDao.NewInvitation(new byte[] {3}, UUID.randomUUID(), club, "x" + person, "member", admin,
                    Instant.now().plusSeconds(60)));
        });

        assertThat(dao.deletePendingInvitations(person)).isEqualTo(1);
        assertThat(dao.pseudonymiseInvitations(person, "gone@invalid")).isEqualTo(1);
        assertThat(rows.strings("SELECT email FROM invitations WHERE community_id = ? ORDER BY email", club))
                .containsExactly("gone@invalid", "x" + person);
    }

    @Test
    void thePersonsFieldsMessagesAndAvatarsGoAndNobodyElses() {
        UUID club = rows.community("Fields");
        UUID person = rows.memberOf(club, "Person", "member", "active");
        UUID other = rows.memberOf(club, "Other", "member", "active");
        rows.sql("UPDATE memberships SET fields = '{\"phone\":\"1\"}' WHERE community_id = ?", club);
        rows.sql("INSERT INTO membership_requests (id, community_id, account_id, status, message, decided_at)"
                + " SELECT gen_random_uuid(), ?, id, 'refused', 'no', now() FROM accounts WHERE id IN (?, ?)", club, person, other);
        db.jdbi().useExtension(MediaDao.class, d -> {
            d.insert(new MediaDao.NewMedia(UUID.randomUUID(), club, "member_avatar", person, person, "png", "png", 1, 1));
            d.insert(new MediaDao.NewMedia(UUID.randomUUID(), club, "member_avatar", other, other, "png", "png", 1, 1));
            d.insert(new MediaDao.NewMedia(UUID.randomUUID(), club, "news_image", person, person, "png", "png", 1, 1));
        });

        assertThat(dao.forgetMemberFields(person)).isEqualTo(1);
        assertThat(dao.forgetMemberFields(person)).as("nothing left").isZero();
        assertThat(dao.forgetRequestMessages(person)).isEqualTo(1);
        assertThat(dao.deleteAvatars(person)).isEqualTo(1);

        assertThat(rows.strings("SELECT fields::text FROM memberships WHERE community_id = ? ORDER BY account_id = ?", club, person))
                .containsExactly("{\"phone\": \"1\"}", "{}");
        assertThat(rows.count("SELECT count(*) FROM membership_requests WHERE message IS NOT NULL AND community_id = ?", club))
                .isEqualTo(1);
        assertThat(rows.count("SELECT count(*) FROM media WHERE community_id = ?", club)).isEqualTo(2);
    }

    @Test
    void theAccountIsPseudonymisedOnceAndItsAddressIsFreeAgain() {
        UUID account = rows.account("Leaving");
        rows.sql("UPDATE accounts SET deletion_requested_at = now(), erase_after = now(), erasure_started_at = now(),"
                + " platform_operator = true WHERE id = ?", account);
        Instant at = Instant.parse("2025-06-01T00:00:00Z");

        assertThat(dao.pseudonymise(account, "erased-" + account + "@invalid", "Former member", at)).isEqualTo(1);
        assertThat(dao.pseudonymise(account, "again-" + account + "@invalid", "Again", at)).as("erased already").isZero();

        Account erased = db.jdbi().onDemand(AccountDao.class).find(account).orElseThrow();
        assertThat(erased.email()).isEqualTo("erased-" + account + "@invalid");
        assertThat(erased.name()).isEqualTo("Former member");
        assertThat(erased.passwordHash()).isEqualTo("!erased");
        assertThat(erased.platformOperator()).isFalse();
        assertThat(rows.one(Instant.class, "SELECT erased_at FROM accounts WHERE id = ?", account)).isEqualTo(at);
        assertThat(db.jdbi().onDemand(AccountDao.class).insert(UUID.randomUUID(), Rows.email(account), "New", "fr", "h")).isTrue();
    }
}
