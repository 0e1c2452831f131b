package com.koomy.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.memberships.MembershipRequestDao;
import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccountExportDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final byte[] LINK = {1, 2, 3};

    private static Rows rows;
    private static AccountExportDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(AccountExportDao.class);
    }

    private static UUID export(UUID account) {
        UUID id = UUID.randomUUID();
        dao.insert(id, account);
        return id;
    }

    private static String status(UUID export) {
        return dao.findById(export).orElseThrow().status();
    }

    @Test
    void thePendingExportIsTheAccountsOwnAndAnotherAccountsExportIsNotFound() {
        UUID account = rows.account("Mine");
        UUID other = rows.account("Theirs");
        UUID built = export(account);
        dao.build(built);
        UUID pending = export(account);
        UUID theirs = export(other);

        assertThat(dao.findPending(account).orElseThrow().id()).isEqualTo(pending);
        assertThat(dao.findPending(rows.account("None"))).isEmpty();
        assertThat(dao.find(theirs, account)).isEmpty();
        assertThat(dao.find(theirs, other).orElseThrow().accountId()).isEqualTo(other);
    }

    @Test
    void aNewExportExpiresOnlyTheAccountsReadyArchives() {
        UUID account = rows.account("Again");
        UUID other = rows.account("Keeps");
        UUID ready = export(account);
        dao.build(ready);
        UUID pending = export(account);
        UUID othersReady = export(other);
        dao.build(othersReady);

        dao.expireReady(account);

        assertThat(status(ready)).isEqualTo("expired");
        assertThat(rows.count("SELECT count(*) FROM account_exports WHERE id = ? AND archive IS NULL", ready)).isEqualTo(1);
        assertThat(status(pending)).isEqualTo("pending");
        assertThat(status(othersReady)).isEqualTo("ready");
    }

    @Test
    void buildingHoldsTheAccountsDataOnlyAndASecondBuildChangesNothing() throws Exception {
        UUID club = rows.community("Chess Club");
        UUID elsewhere = rows.community("Elsewhere");
        UUID account = rows.memberOf(club, "Ada", "member", "active");
        rows.memberOf(elsewhere, "Bob", "member", "active");
        db.jdbi().useExtension(MembershipRequestDao.class, r -> r.insert(UUID.randomUUID(), elsewhere, account));
        UUID id = export(account);

        assertThat(dao.build(id)).isEqualTo(1);
        assertThat(dao.build(id)).as("no longer pending").isZero();
        assertThat(dao.setLink(id, account, LINK, Instant.now().plusSeconds(600))).isEqualTo(1);
        JsonNode archive = new ObjectMapper().readTree(dao.take(id, LINK).orElseThrow());

        assertThat(archive.at("/profile/email").asText()).isEqualTo(Rows.email(account));
        assertThat(archive.get("memberships")).hasSize(1);
        assertThat(archive.at("/memberships/0/communityName").asText()).isEqualTo("Chess Club");
        assertThat(archive.get("membershipRequests")).hasSize(1);
        assertThat(archive.at("/membershipRequests/0/communityId").asText()).isEqualTo(elsewhere.toString());
        assertThat(archive.get("payments")).isEmpty();
    }

    @Test
    void aLinkIsSetOnTheAccountsReadyExportOnly() {
        UUID account = rows.account("Linker");
        UUID other = rows.account("Stranger");
        UUID pending = export(account);
        UUID ready = export(account);
        dao.build(ready);

        assertThat(dao.setLink(pending, account, LINK, Instant.now().plusSeconds(600))).as("not ready").isZero();
        assertThat(dao.setLink(ready, other, LINK, Instant.now().plusSeconds(600))).as("another account").isZero();
        assertThat(dao.setLink(ready, account, LINK, Instant.now().plusSeconds(600))).isEqualTo(1);
    }

    @Test
    void theArchiveIsTakenOnceWithItsLinkBeforeTheLinkExpires() {
        UUID account = rows.account("Taker");
        UUID ready = export(account);
        dao.build(ready);
        UUID late = export(account);
        dao.build(late);
        dao.setLink(ready, account, LINK, Instant.now().plusSeconds(600));
        dao.setLink(late, account, LINK, Instant.now().minusSeconds(1));

        assertThat(dao.take(ready, new byte[] {9})).as("another link").isEmpty();
        assertThat(dao.take(late, LINK)).as("link expired").isEmpty();
        assertThat(dao.take(ready, LINK)).isPresent();
        assertThat(dao.take(ready, LINK)).as("taken already").isEmpty();

        AccountExport taken = dao.findById(ready).orElseThrow();
        assertThat(taken.status()).isEqualTo("downloaded");
        assertThat(taken.downloadedAt()).isNotNull();
        assertThat(rows.count("SELECT count(*) FROM account_exports WHERE id = ? AND archive IS NULL AND link_hash IS NULL", ready))
                .isEqualTo(1);
        assertThat(status(late)).isEqualTo("ready");
    }
}
