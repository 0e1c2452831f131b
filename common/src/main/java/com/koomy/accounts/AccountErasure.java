package com.koomy.accounts;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Erases the personal data of accounts whose grace period is over (issue 21, GDPR art. 17), in steps of one
 * transaction each, so a worker killed anywhere leaves a state the next run continues from:
 * <ol>
 *   <li>claim: {@code erasure_started_at} is set under the account's row lock (a restore is refused from then on);</li>
 *   <li>emails: one pass over {@code emails} in id order, {@code emailBatch} rows a transaction, the cursor
 *       ({@code erasure_cursor_id}) moved in the same commit; the person's entries become the pseudonym and the
 *       bodies of emails to them alone are erased ({@link AccountErasureDao#ERASE});</li>
 *   <li>the rest and the account row, in one transaction: tokens, data exports, avatars, guests' names, invitations,
 *       newsletter lists, unsubscribes, suppressions, SendGrid events; the account keeps its id (payments and receipts
 *       stay, law requires them for 10 years) under a pseudonym, and its address is free for a new sign-up.</li>
 * </ol>
 * Each step is logged in {@code account_deletion_log} (actor {@code system}).
 */
public class AccountErasure {

    /** The name an erased account shows wherever it is still referenced (payments, receipts, posts). */
    public static final String ERASED_NAME = "Deleted account";
    private static final Logger LOG = LoggerFactory.getLogger(AccountErasure.class);
    private static final int ACCOUNTS_PER_QUERY = 50;
    private static final UUID NIL = new UUID(0, 0);
    /** Emails created this long before the claim are re-checked at the end, whatever the clocks' skew. */
    private static final Duration LATE_EMAILS_MARGIN = Duration.ofHours(1);

    private final Jdbi jdbi;
    private final SessionStore sessions;
    private final Clock clock;
    private final int emailBatch;

    public AccountErasure(Jdbi jdbi, SessionStore sessions, Clock clock, int emailBatch) {
        this.jdbi = jdbi;
        this.sessions = sessions;
        this.clock = clock;
        this.emailBatch = emailBatch;
    }

    /** What one run did. */
    public record Run(int accountsErased, long emailsErased, int failures) {
    }

    /** The address an erased account holds: unique, lower-case, in the reserved {@code .invalid} domain (RFC 2606). */
    public static String pseudonym(UUID accountId) {
        return "erased-" + accountId + "@erased.invalid";
    }

    /**
     * Erases every account whose erasure date has passed. One account failing is logged and the others go on;
     * the run then fails (JobRunr shows it, the next run retries that account from where it stopped).
     */
    public Run eraseDue() {
        int accounts = 0;
        long emails = 0;
        int failures = 0;
        Set<UUID> tried = new HashSet<>();
        while (true) {
            Instant now = clock.instant();
            List<UUID> due = jdbi.withExtension(AccountDeletionDao.class, dao -> dao.due(now, ACCOUNTS_PER_QUERY + tried.size()))
                    .stream().filter(tried::add).toList();
            if (due.isEmpty()) {
                break;
            }
            for (UUID accountId : due) {
                try {
                    OptionalLong erased = erase(accountId);
                    if (erased.isPresent()) {
                        accounts++;
                        emails += erased.getAsLong();
                    }
                } catch (RuntimeException e) {
                    failures++;
                    LOG.error("Erasure of account {} failed; the next run continues it", accountId, e);
                }
            }
        }
        LOG.info("Account erasure: {} accounts erased, {} emails erased, {} failed", accounts, emails, failures);
        if (failures > 0) {
            throw new IllegalStateException(failures + " account erasures failed (see the log); the next run continues them");
        }
        return new Run(accounts, emails, failures);
    }

    /**
     * Erases one account if its erasure date has passed (empty otherwise, or when it is already erased); returns
     * the number of emails erased by this run. Safe to call again at any point.
     */
    public OptionalLong erase(UUID accountId) {
        Optional<AccountDeletionDao.State> claimed = claim(accountId);
        if (claimed.isEmpty()) {
            return OptionalLong.empty();
        }
        AccountDeletionDao.State state = claimed.get();
        String email = state.email();
        String pseudonym = pseudonym(accountId);
        sessions.revokeAll(accountId); // none should be left (sign-in is refused since the request): belt and braces
        long erased = 0;
        UUID after = state.erasureCursorId() == null ? NIL : state.erasureCursorId();
        while (true) {
            UUID from = after;
            AccountErasureDao.EmailPage page = jdbi.inTransaction(handle -> {
                AccountErasureDao.EmailPage p = handle.attach(AccountErasureDao.class).erasePage(email, pseudonym, from, emailBatch);
                if (p.lastId() != null) {
                    handle.attach(AccountDeletionDao.class).moveCursor(accountId, p.lastId());
                }
                return p;
            });
            erased += page.erased();
            pageCommitted(accountId, page);
            if (page.scanned() < emailBatch) {
                break;
            }
            after = page.lastId();
        }
        long emails = erased;
        jdbi.useTransaction(handle -> {
            AccountDeletionDao deletions = handle.attach(AccountDeletionDao.class);
            AccountDeletionDao.State locked = deletions.lock(accountId).orElseThrow();
            if (locked.erasedAt() != null) {
                return;
            }
            AccountErasureDao dao = handle.attach(AccountErasureDao.class);
            Instant now = clock.instant();
            long late = dao.eraseSince(email, pseudonym, locked.erasureStartedAt().minus(LATE_EMAILS_MARGIN));
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("tokens", dao.deleteTokens(accountId));
            counts.put("exports", dao.deleteExports(accountId));
            counts.put("avatars", dao.deleteAvatars(accountId));
            counts.put("guestNames", dao.forgetGuestNames(accountId));
            counts.put("memberFields", dao.forgetMemberFields(accountId));
            counts.put("requestMessages", dao.forgetRequestMessages(accountId));
            counts.put("pendingInvitations", dao.deletePendingInvitations(email));
            counts.put("acceptedInvitations", dao.pseudonymiseInvitations(email, pseudonym));
            counts.put("newsletterRecipients", dao.deleteNewsletterRecipients(email));
            counts.put("unsubscribes", dao.deleteUnsubscribes(email));
            counts.put("suppressions", dao.deleteSuppressions(email));
            counts.put("sendgridEvents", dao.deleteSendGridEvents(email));
            dao.pseudonymise(accountId, pseudonym, ERASED_NAME, now);
            deletions.log(accountId, "emails_erased", "system", AccountDeletions.json(Map.of("emails", emails + late)), now);
            deletions.log(accountId, "erased", "system", AccountDeletions.json(counts), now);
        });
        LOG.info("Account {} erased ({} emails in this run)", accountId, emails);
        return OptionalLong.of(emails);
    }

    /** Called after each committed page of the emails pass; tests stop a run here as a kill would. */
    protected void pageCommitted(UUID accountId, AccountErasureDao.EmailPage page) {
    }

    /** The account's state once claimed for erasure; empty when it is not due (restored, not yet, or done). */
    private Optional<AccountDeletionDao.State> claim(UUID accountId) {
        Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            AccountDeletionDao dao = handle.attach(AccountDeletionDao.class);
            Optional<AccountDeletionDao.State> state = dao.lock(accountId);
            if (state.isEmpty() || state.get().erasedAt() != null || state.get().eraseAfter() == null
                    || state.get().eraseAfter().isAfter(now)) {
                return Optional.empty();
            }
            if (state.get().erasureStartedAt() == null) {
                dao.startErasure(accountId, now);
                dao.log(accountId, "erasure_started", "system", "{}", now);
                return dao.find(accountId);
            }
            return state;
        });
    }
}
