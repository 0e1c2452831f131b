package com.koomy.accounts;

import com.koomy.db.SqlStates;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * What a member changes on their own account (issue 21): name and locale, password (with the current
 * one), email address (confirmed from the new address, the old one told). Refusals are
 * {@link ApiException}s thrown before anything is written, or inside the transaction they roll back.
 */
public class MyAccount {

    private static final Duration EMAIL_CHANGE_TTL = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final SessionStore sessions;
    private final Accounts accounts;

    public MyAccount(Jdbi jdbi, PasswordHasher hasher, SessionStore sessions, Accounts accounts) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.sessions = sessions;
        this.accounts = accounts;
    }

    /** {@code null} fields stay as they are. */
    public record ProfileChange(String name, String locale) {
    }

    public Account updateProfile(UUID accountId, ProfileChange change) {
        String name = change.name() == null ? null : Accounts.checkName(change.name());
        String locale = change.locale() == null ? null : Accounts.checkLocale(change.locale());
        return jdbi.inTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            Account account = dao.find(accountId).orElseThrow(MyAccount::gone);
            dao.setProfile(accountId, name == null ? account.name() : name, locale == null ? account.locale() : locale);
            return dao.find(accountId).orElseThrow();
        });
    }

    /**
     * Sets a new password when {@code currentPassword} is right, and signs out every other session of the
     * account ({@code keepSessionHash}, the one that asked, stays). Unused reset links stop working.
     */
    public void changePassword(UUID accountId, String keepSessionHash, String currentPassword, String newPassword) {
        Account account = requireCurrentPassword(accountId, currentPassword);
        Accounts.checkPassword("newPassword", newPassword);
        if (hasher.verify(newPassword, account.passwordHash())) {
            throw new ApiException(400, "same_password", "newPassword must differ from currentPassword");
        }
        String hash = hasher.hash(newPassword);
        jdbi.useTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            dao.setPassword(accountId, hash);
            dao.expireTokens(accountId, "password_reset");
        });
        sessions.revokeAllExcept(accountId, keepSessionHash);
    }

    /**
     * Asks to move the login to {@code newEmail}: a link to confirm it goes to the new address (24 h), and
     * the current address is told (so a stolen session with a known password cannot move the account away
     * silently). Nothing changes until the link is used. 409 when another account uses the address.
     */
    public void requestEmailChange(UUID accountId, String currentPassword, String newEmail) {
        if (newEmail == null || newEmail.isBlank()) {
            throw ApiException.invalidField("invalid_email", "newEmail", "is required");
        }
        Account account = requireCurrentPassword(accountId, currentPassword);
        Recipient to = Accounts.recipient("newEmail", newEmail, account.name());
        if (to.email().equals(account.email())) {
            throw new ApiException(400, "same_email", "newEmail is already this account's address");
        }
        jdbi.useTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            if (dao.findByEmail(to.email()).isPresent()) {
                throw new ApiException(409, "email_taken", "newEmail: an account already uses this address");
            }
            // One pending change at a time: asking again makes the previous link stop working.
            dao.expireTokens(accountId, "email_change");
            String token = SecretTokens.newToken();
            dao.insertEmailChangeToken(SecretTokens.sha256(token), accountId, to.email(), java.time.Instant.now().plus(EMAIL_CHANGE_TTL));
            String key = accountId + ":" + SecretTokens.sha256Hex(token).substring(0, 16);
            EmailOutbox.enqueue(handle, EmailMessage.to(to, EmailTemplate.EMAIL_CHANGE_CONFIRM, account.locale(),
                    Map.of("confirmUrl", accounts.link("/confirm-email-change", token),
                            "expiresInHours", EMAIL_CHANGE_TTL.toHours()),
                    null, "email-change:" + key));
            EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                    EmailTemplate.EMAIL_CHANGE_NOTICE, account.locale(),
                    Map.of("newEmail", masked(to.email())),
                    null, "email-change-notice:" + key));
        });
    }

    /** Applies a change of email with the token sent to the new address; 400 unknown, used or expired, 409 taken since. */
    public Account confirmEmailChange(String token) {
        try {
            return jdbi.inTransaction(handle -> {
                AccountDao dao = handle.attach(AccountDao.class);
                AccountDao.EmailChange change = dao.useEmailChangeToken(SecretTokens.sha256(token == null ? "" : token))
                        .orElseThrow(() -> ApiException.invalidField("invalid_token", "token",
                                "is not a valid confirmation link: unknown, used or expired"));
                if (dao.findByEmail(change.newEmail()).isPresent()) {
                    throw emailTaken();
                }
                dao.setEmail(change.accountId(), change.newEmail());
                return dao.find(change.accountId()).orElseThrow();
            });
        } catch (RuntimeException e) {
            if (!(e instanceof ApiException) && SqlStates.has(e, "23505"::equals)) {
                throw emailTaken(); // another account took the address between the check and the write
            }
            throw e;
        }
    }

    private Account requireCurrentPassword(UUID accountId, String currentPassword) {
        Account account = accounts.find(accountId).orElseThrow(MyAccount::gone);
        if (currentPassword == null || currentPassword.length() > Accounts.MAX_PASSWORD
                || !hasher.verify(currentPassword, account.passwordHash())) {
            throw new ApiException(400, "wrong_password", "currentPassword is not this account's password");
        }
        return account;
    }

    private static ApiException emailTaken() {
        return new ApiException(409, "email_taken", "newEmail: an account already uses this address");
    }

    private static ApiException gone() {
        return new ApiException(401, "invalid_session", "this account no longer exists");
    }

    /** {@code ada@example.org} as {@code a***@example.org}: the old address learns that a change was asked, not where to. */
    static String masked(String email) {
        int at = email.indexOf('@');
        return email.charAt(0) + "***" + email.substring(at);
    }
}
