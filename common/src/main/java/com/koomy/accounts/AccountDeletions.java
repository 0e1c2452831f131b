package com.koomy.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.email.EmailAddresses;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * "Delete my account" (issue 21, GDPR art. 17): the request (current password required; memberships and seats
 * end, sessions are revoked, the holder is emailed, erasure is scheduled after the grace period), the restore
 * during the grace period (by signing in again through {@code POST /api/me/restore}: the credentials are the
 * proof, and the answer is a new session), and the status with its log. The erasure itself is
 * {@link AccountErasure}'s, run by the worker.
 */
public class AccountDeletions {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(AccountDeletions.class);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final SessionStore sessions;
    private final AccountClosure closure;
    private final String appPagesUrl;
    private final Clock clock;
    private final Duration grace;

    public AccountDeletions(Jdbi jdbi, PasswordHasher hasher, SessionStore sessions, AccountClosure closure,
                            String appPagesUrl, Clock clock, Duration grace) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.sessions = sessions;
        this.closure = closure;
        this.appPagesUrl = appPagesUrl.endsWith("/") ? appPagesUrl.substring(0, appPagesUrl.length() - 1) : appPagesUrl;
        this.clock = clock;
        this.grace = grace;
    }

    /**
     * Schedules the erasure of the account after the grace period. 400 {@code wrong_password}
     * ({@code currentPassword}); 409 {@code last_owner} with {@code details.communityIds}, nothing changed.
     * Asking again while a deletion is pending changes nothing and answers the pending deletion.
     */
    public AccountDeletion request(UUID accountId, String currentPassword) {
        Account account = jdbi.withExtension(AccountDao.class, dao -> dao.find(accountId)).orElseThrow(AccountDeletions::gone);
        if (currentPassword == null || currentPassword.length() > Accounts.MAX_PASSWORD
                || !hasher.verify(currentPassword, account.passwordHash())) {
            throw ApiException.invalidField("wrong_password", "currentPassword", "is not this account's password");
        }
        Instant now = clock.instant();
        Instant eraseAfter = now.plus(grace);
        AccountClosure.Closed closed = jdbi.inTransaction(handle -> {
            AccountDeletionDao dao = handle.attach(AccountDeletionDao.class);
            AccountDeletionDao.State state = dao.lock(accountId).orElseThrow(AccountDeletions::gone);
            if (state.deletionRequestedAt() != null) {
                return null; // already pending: the same deletion, the same date
            }
            AccountClosure.Closed ended = closure.close(handle, accountId);
            dao.request(accountId, now, eraseAfter);
            handle.attach(AccountDao.class).expireTokens(accountId, "email_change");
            dao.log(accountId, "requested", "account", json(Map.of("scheduledErasureAt", eraseAfter.toString())), now);
            dao.log(accountId, "memberships_ended", "account", json(Map.of("communityIds", ended.communitiesLeft(),
                    "seatsReleased", ended.seatsReleased())), now);
            EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                    EmailTemplate.ACCOUNT_DELETION_REQUESTED, account.locale(),
                    Map.of("eraseOn", eraseAfter.atZone(ZoneOffset.UTC).toLocalDate().toString(),
                            "restoreUrl", appPagesUrl + "/restore-account",
                            "communitiesLeft", ended.communitiesLeft().size(), "seatsReleased", ended.seatsReleased()),
                    null, "account-deletion:" + accountId + ":" + now.toEpochMilli()));
            // Inside the transaction: if Redis refuses, nothing is committed (503) and the account stays as it was.
            try {
                sessions.revokeAll(accountId);
            } catch (RuntimeException e) {
                LOG.error("Deletion of account {} refused: the session store (Redis) failed: {}", accountId, e.toString());
                throw ApiException.retryLater(503, "sessions_unavailable", "sessions cannot be revoked right now; retry later", 5);
            }
            dao.log(accountId, "sessions_revoked", "account", "{}", now);
            return ended;
        });
        if (closed != null) {
            // Again after the commit: a sign-in that created its session between the first revocation and the commit
            // read the account before the commit (Accounts.login reads it after creating the session), so it is here.
            try {
                sessions.revokeAll(accountId);
            } catch (RuntimeException e) {
                LOG.warn("Deletion of account {}: sessions revoked in the transaction, the second pass failed: {}",
                        accountId, e.toString());
            }
            closure.committed(closed);
        }
        return status(accountId);
    }

    /** A restored account and the session it signs in with. */
    public record Restored(SessionStore.Created session, AccountDeletion deletion) {
    }

    /**
     * Cancels a pending deletion for whoever proves the credentials, and signs them in. 401
     * {@code invalid_credentials} for a wrong email or password (one argon2id verification either way, as at
     * sign-in); 409 {@code not_pending_deletion}; 409 {@code grace_period_over} once the erasure date has come.
     * Memberships ended by the request do not come back.
     */
    public Restored restore(String email, String password, SessionStore.Device device) {
        Account account = verified(email, password)
                .orElseThrow(() -> new ApiException(401, "invalid_credentials", "wrong email or password"));
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            AccountDeletionDao dao = handle.attach(AccountDeletionDao.class);
            AccountDeletionDao.State state = dao.lock(account.id()).orElseThrow(AccountDeletions::gone);
            if (state.deletionRequestedAt() == null) {
                throw new ApiException(409, "not_pending_deletion", "this account has no deletion to cancel");
            }
            if (state.erasureStartedAt() != null || !state.eraseAfter().isAfter(now)) {
                throw new ApiException(409, "grace_period_over", "the grace period ended on " + state.eraseAfter()
                        + ": the account is being erased", Map.of("scheduledErasureAt", state.eraseAfter().toString()));
            }
            dao.cancel(account.id());
            dao.log(account.id(), "cancelled", "account", json(Map.of("requestedAt", state.deletionRequestedAt().toString())), now);
            EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(account.email(), account.name()),
                    EmailTemplate.ACCOUNT_RESTORED, account.locale(), Map.of(), null,
                    "account-restored:" + account.id() + ":" + state.deletionRequestedAt().toEpochMilli()));
        });
        return new Restored(sessions.create(account.id(), device), status(account.id()));
    }

    public AccountDeletion status(UUID accountId) {
        return jdbi.withHandle(handle -> status(handle, accountId)).orElseThrow(AccountDeletions::notFound);
    }

    /** Operators: any account's deletion, 404 {@code account_not_found}. */
    public Optional<AccountDeletion> find(UUID accountId) {
        return jdbi.withHandle(handle -> status(handle, accountId));
    }

    private static Optional<AccountDeletion> status(Handle handle, UUID accountId) {
        AccountDeletionDao dao = handle.attach(AccountDeletionDao.class);
        return dao.find(accountId).map(state -> new AccountDeletion(accountId, AccountDeletion.statusOf(state),
                state.deletionRequestedAt(), state.eraseAfter(), state.erasedAt(),
                dao.steps(accountId).stream().map(s -> new AccountDeletion.Step(s.step(), s.actor(), map(s.details()), s.at()))
                        .toList()));
    }

    /** The account these credentials open, spending one argon2id verification whatever happens. */
    private Optional<Account> verified(String email, String password) {
        if (email == null || password == null || password.length() > Accounts.MAX_PASSWORD) {
            hasher.verifyDecoy(password == null ? "" : password.substring(0, Math.min(password.length(), Accounts.MAX_PASSWORD)));
            return Optional.empty();
        }
        Optional<Account> account;
        try {
            String normalized = EmailAddresses.normalize(email);
            account = jdbi.withExtension(AccountDao.class, dao -> dao.findByEmail(normalized));
        } catch (RuntimeException notAnAddress) {
            account = Optional.empty();
        }
        if (account.isEmpty()) {
            hasher.verifyDecoy(password);
            return Optional.empty();
        }
        return hasher.verify(password, account.get().passwordHash()) ? account : Optional.empty();
    }

    /** 403 for a sign-in while a deletion is pending: the restore route is the way back in. */
    static ApiException pendingDeletion(AccountDeletionDao.State state) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("requestedAt", state.deletionRequestedAt().toString());
        details.put("scheduledErasureAt", state.eraseAfter().toString());
        details.put("restore", "POST /api/me/restore");
        return new ApiException(403, "account_pending_deletion", "this account is to be erased on " + state.eraseAfter()
                + "; sign in through POST /api/me/restore to keep it", details);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log entry's details are plain values", e);
        }
    }

    private static Map<String, Object> map(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("account_deletion_log.details is jsonb", e);
        }
    }

    private static ApiException gone() {
        return new ApiException(401, "invalid_session", "this account no longer exists");
    }

    private static ApiException notFound() {
        return new ApiException(404, "account_not_found", "no such account");
    }
}
