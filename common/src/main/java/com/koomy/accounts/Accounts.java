package com.koomy.accounts;

import com.koomy.email.EmailAddresses;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.InvalidEmailException;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Registration, sign-in, password reset and email verification. Every email goes through the
 * email outbox in the same transaction as the change that causes it.
 */
public class Accounts {

    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 128;
    private static final Duration RESET_TTL = Duration.ofHours(1);
    private static final Duration VERIFY_TTL = Duration.ofHours(48);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final SessionStore sessions;
    private final String publicUrl;

    public Accounts(Jdbi jdbi, PasswordHasher hasher, SessionStore sessions, String publicUrl) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.sessions = sessions;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public record Registration(String email, String password, String name, String locale) {
    }

    /** Creates the account and queues its verification email; 409 when the email is taken. */
    public Account register(Registration request) {
        Recipient recipient = recipient("email", request.email(), request.name());
        String name = checkName(request.name());
        String locale = request.locale() == null ? "fr" : checkLocale(request.locale());
        checkPassword(request.password());
        String hash = hasher.hash(request.password());
        UUID id = UUID.randomUUID();
        return jdbi.inTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            if (!dao.insert(id, recipient.email(), name, locale, hash)) {
                throw new ApiException(409, "email_taken", "an account already uses this email");
            }
            Account account = dao.find(id).orElseThrow();
            String token = newToken(dao, id, "email_verification", VERIFY_TTL);
            EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                    EmailTemplate.EMAIL_VERIFICATION, locale,
                    Map.of("verifyUrl", link("/verify-email", token), "expiresInHours", VERIFY_TTL.toHours()),
                    null, "email-verification:" + id + ":" + SecretTokens.sha256Hex(token).substring(0, 16)));
            return account;
        });
    }

    /**
     * A new session, or nothing for a wrong email or password. Both cases cost one argon2id
     * verification, so timing does not tell whether the email has an account.
     */
    public Optional<SessionStore.Created> login(String email, String password) {
        return login(email, password, SessionStore.Device.UNKNOWN);
    }

    /** The same, recording the device the session is for (listed to its owner in GET /api/me/sessions). */
    public Optional<SessionStore.Created> login(String email, String password, SessionStore.Device device) {
        if (email == null || password == null || password.length() > MAX_PASSWORD) {
            hasher.verifyDecoy(password == null ? "" : password.substring(0, Math.min(password.length(), MAX_PASSWORD)));
            return Optional.empty();
        }
        Optional<Account> account = jdbi.withExtension(AccountDao.class, dao -> dao.findByEmail(EmailAddresses.normalize(email)));
        if (account.isEmpty()) {
            hasher.verifyDecoy(password);
            return Optional.empty();
        }
        if (!hasher.verify(password, account.get().passwordHash())) {
            return Optional.empty();
        }
        if (hasher.needsRehash(account.get().passwordHash())) {
            jdbi.useExtension(AccountDao.class, dao -> dao.rehash(account.get().id(), hasher.hash(password)));
        }
        SessionStore.Created created = sessions.create(account.get().id(), device);
        // Read after the session exists: a deletion committed before this read is refused here, and one committed
        // after it revokes this session with the others (AccountDeletions.request revokes them again after its commit).
        Optional<AccountDeletionDao.State> state = jdbi.withExtension(AccountDeletionDao.class, dao -> dao.find(account.get().id()));
        if (state.isPresent() && state.get().deletionRequestedAt() != null) {
            sessions.revoke(new Session(SecretTokens.sha256Hex(created.token()), account.get().id(), null, null));
            throw AccountDeletions.pendingDeletion(state.get());
        }
        return Optional.of(created);
    }

    /** Queues a reset link if the account exists; says nothing either way (no account discovery). */
    public void requestPasswordReset(String email) {
        if (email == null || email.isBlank()) {
            throw ApiException.invalidField("invalid_email", "email", "is required");
        }
        jdbi.useTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            dao.findByEmail(EmailAddresses.normalize(email)).ifPresent(account -> {
                String token = newToken(dao, account.id(), "password_reset", RESET_TTL);
                EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                        EmailTemplate.PASSWORD_RESET, account.locale(),
                        Map.of("resetUrl", link("/reset-password", token), "expiresInMinutes", RESET_TTL.toMinutes()),
                        null, "password-reset:" + account.id() + ":" + SecretTokens.sha256Hex(token).substring(0, 16)));
            });
        });
    }

    /** Sets the new password, uses the token, and signs every session of the account out. */
    public void confirmPasswordReset(String token, String newPassword) {
        checkPassword(newPassword);
        String hash = hasher.hash(newPassword);
        UUID accountId = jdbi.inTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            UUID id = dao.useToken(SecretTokens.sha256(token == null ? "" : token), "password_reset")
                    .orElseThrow(() -> ApiException.invalidField("invalid_token", "token", "is not a valid reset link: unknown, used or expired"));
            dao.setPassword(id, hash);
            dao.expireTokens(id, "password_reset");
            return id;
        });
        sessions.revokeAll(accountId);
    }

    public void verifyEmail(String token) {
        jdbi.useTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            UUID id = dao.useToken(SecretTokens.sha256(token == null ? "" : token), "email_verification")
                    .orElseThrow(() -> ApiException.invalidField("invalid_token", "token", "is not a valid verification link: unknown, used or expired"));
            dao.markVerified(id);
            Account account = dao.find(id).orElseThrow();
            EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()), EmailTemplate.WELCOME,
                    account.locale(), Map.of(), null, "welcome:" + id));
        });
    }

    public Optional<Account> find(UUID id) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.find(id));
    }

    /** The address as a recipient, or 400 {@code invalid_email} naming {@code field} (the input is not echoed). */
    static Recipient recipient(String field, String email, String name) {
        try {
            return new Recipient(email, name);
        } catch (InvalidEmailException e) {
            throw ApiException.invalidField("invalid_email", field, "must be an email address such as someone@example.org");
        }
    }

    /** The name as stored (stripped), or 400 {@code invalid_name}. */
    static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > 200) {
            throw ApiException.invalidField("invalid_name", "name", "must have 1 to 200 characters");
        }
        return stripped;
    }

    /** A supported locale, or 400 {@code invalid_locale}. */
    static String checkLocale(String locale) {
        if (locale == null || !EmailMessage.LOCALES.contains(locale)) {
            throw ApiException.invalidField("invalid_locale", "locale", "must be one of " + String.join(", ", new java.util.TreeSet<>(EmailMessage.LOCALES)));
        }
        return locale;
    }

    static void checkPassword(String password) {
        checkPassword("password", password);
    }

    static void checkPassword(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD || password.isBlank()) {
            throw ApiException.invalidField("invalid_password", field,
                    "must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
    }

    static String newToken(AccountDao dao, UUID accountId, String purpose, Duration ttl) {
        String token = SecretTokens.newToken();
        dao.insertToken(SecretTokens.sha256(token), accountId, purpose, Instant.now().plus(ttl));
        return token;
    }

    String link(String path, String token) {
        return publicUrl + path + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /** For operators' tooling: flag or unflag a platform operator. */
    public static boolean setOperator(Handle handle, String email, boolean operator) {
        return handle.attach(AccountDao.class).setOperator(EmailAddresses.normalize(email), operator) > 0;
    }
}
