package com.koomy.accounts;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static AccountDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(AccountDao.class);
    }

    private static byte[] hash(String token) {
        return token.getBytes(StandardCharsets.UTF_8);
    }

    private static Instant inAnHour() {
        return Instant.now().plusSeconds(3600);
    }

    @Test
    void aTakenEmailIsRefusedAndTheFirstAccountStands() {
        UUID first = UUID.randomUUID();
        String email = first + "@example.org";

        assertThat(dao.insert(first, email, "First", "fr", "h1")).isTrue();
        assertThat(dao.insert(UUID.randomUUID(), email, "Second", "en", "h2")).isFalse();

        Account found = dao.findByEmail(email).orElseThrow();
        assertThat(found.id()).isEqualTo(first);
        assertThat(found.name()).isEqualTo("First");
        assertThat(dao.findByEmail("other-" + email)).isEmpty();
        assertThat(dao.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void aTokenIsUsedOnceForItsPurposeAndNotOnceExpired() {
        UUID account = rows.account("Tok");
        dao.insertToken(hash("reset-" + account), account, "password_reset", inAnHour());
        dao.insertToken(hash("old-" + account), account, "password_reset", Instant.now().minusSeconds(1));

        assertThat(dao.useToken(hash("reset-" + account), "email_verification")).as("another purpose").isEmpty();
        assertThat(dao.useToken(hash("reset-" + account), "password_reset")).contains(account);
        assertThat(dao.useToken(hash("reset-" + account), "password_reset")).as("used").isEmpty();
        assertThat(dao.useToken(hash("old-" + account), "password_reset")).as("expired").isEmpty();
        assertThat(dao.useToken(hash("unknown-" + account), "password_reset")).isEmpty();
    }

    @Test
    void expiringTokensTouchesOnlyThatAccountsTokensOfThatPurpose() {
        UUID account = rows.account("Exp");
        UUID other = rows.account("Other");
        dao.insertToken(hash("r1-" + account), account, "password_reset", inAnHour());
        dao.insertToken(hash("r2-" + account), account, "password_reset", inAnHour());
        dao.insertToken(hash("v-" + account), account, "email_verification", inAnHour());
        dao.insertToken(hash("r-" + other), other, "password_reset", inAnHour());

        dao.expireTokens(account, "password_reset");

        assertThat(dao.useToken(hash("r1-" + account), "password_reset")).isEmpty();
        assertThat(dao.useToken(hash("r2-" + account), "password_reset")).isEmpty();
        assertThat(dao.useToken(hash("v-" + account), "email_verification")).contains(account);
        assertThat(dao.useToken(hash("r-" + other), "password_reset")).contains(other);
    }

    @Test
    void anEmailChangeTokenCarriesTheNewAddressOnceAndOnlyAsEmailChange() {
        UUID account = rows.account("Mover");
        String newEmail = "new-" + account + "@example.org";
        dao.insertEmailChangeToken(hash("c-" + account), account, newEmail, inAnHour());
        dao.insertEmailChangeToken(hash("late-" + account), account, newEmail, Instant.now().minusSeconds(1));
        dao.insertToken(hash("r-" + account), account, "password_reset", inAnHour());

        assertThat(dao.useEmailChangeToken(hash("r-" + account))).as("a reset token").isEmpty();
        assertThat(dao.useToken(hash("c-" + account), "password_reset")).as("not a reset token").isEmpty();
        assertThat(dao.useEmailChangeToken(hash("c-" + account))).contains(new AccountDao.EmailChange(account, newEmail));
        assertThat(dao.useEmailChangeToken(hash("c-" + account))).as("used").isEmpty();
        assertThat(dao.useEmailChangeToken(hash("late-" + account))).as("expired").isEmpty();
    }

    @Test
    void settingAnEmailVerifiesItAndATakenOneIsRefused() {
        UUID account = rows.account("Setter");
        UUID other = rows.account("Holder");

        dao.setEmail(account, "set-" + account + "@example.org");
        Account moved = dao.find(account).orElseThrow();

        assertThat(moved.email()).isEqualTo("set-" + account + "@example.org");
        assertThat(moved.emailVerifiedAt()).isNotNull();
        assertThatThrownBy(() -> dao.setEmail(account, Rows.email(other))).isInstanceOf(UnableToExecuteStatementException.class);
        assertThat(dao.recipient(account).email()).isEqualTo("set-" + account + "@example.org");
        assertThat(dao.recipient(account).name()).isEqualTo("Setter");
    }

    @Test
    void verifyingKeepsTheFirstVerificationTime() {
        UUID verified = rows.account("Verified");
        UUID fresh = rows.account("Fresh");
        Instant first = Instant.parse("2024-01-02T03:04:05Z");
        rows.sql("UPDATE accounts SET email_verified_at = ? WHERE id = ?", first, verified);

        dao.markVerified(verified);
        dao.markVerified(fresh);

        assertThat(dao.find(verified).orElseThrow().emailVerifiedAt()).isEqualTo(first);
        assertThat(dao.find(fresh).orElseThrow().emailVerifiedAt()).isNotNull();
    }

    @Test
    void aRehashIsNotAPasswordChangeButSettingAPasswordIs() {
        UUID rehashed = rows.account("Rehashed");
        UUID changed = rows.account("Changed");
        Instant before = Instant.parse("2024-01-02T03:04:05Z");
        rows.sql("UPDATE accounts SET password_changed_at = ? WHERE id IN (?, ?)", before, rehashed, changed);

        dao.rehash(rehashed, "argon-new");
        dao.setPassword(changed, "argon-changed");

        Account r = dao.find(rehashed).orElseThrow();
        Account c = dao.find(changed).orElseThrow();
        assertThat(r.passwordHash()).isEqualTo("argon-new");
        assertThat(r.passwordChangedAt()).isEqualTo(before);
        assertThat(c.passwordHash()).isEqualTo("argon-changed");
        assertThat(c.passwordChangedAt()).isAfter(before);
    }

    @Test
    void anOperatorIsNamedByEmailAndNoOtherAccountChanges() {
        UUID operator = rows.account("Op");
        UUID bystander = rows.account("By");

        assertThat(dao.setOperator(Rows.email(operator), true)).isEqualTo(1);
        assertThat(dao.setOperator("nobody-" + operator + "@example.org", true)).isZero();

        assertThat(dao.find(operator).orElseThrow().platformOperator()).isTrue();
        assertThat(dao.find(bystander).orElseThrow().platformOperator()).isFalse();
    }

    @Test
    void aProfileChangeTouchesOneAccount() {
        UUID account = rows.account("Before");
        UUID other = rows.account("Untouched");

        dao.setProfile(account, "After", "en");

        assertThat(dao.find(account).orElseThrow()).extracting(Account::name, Account::locale).containsExactly("After", "en");
        assertThat(dao.find(other).orElseThrow()).extracting(Account::name, Account::locale).containsExactly("Untouched", "fr");
    }
}
