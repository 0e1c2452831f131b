package com.koomy.retention;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** The batches of the families that live in our schema, each one {@link RetentionDao} statement in autocommit. */
public final class SqlRetention {

    private SqlRetention() {
    }

    public static Map<RetentionFamily, RetentionBatch> batches(Jdbi jdbi) {
        Map<RetentionFamily, RetentionBatch> batches = new EnumMap<>(RetentionFamily.class);
        batches.put(RetentionFamily.STRIPE_EVENTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deleteSettledStripeEvents(cutoff, limit)));
        SendGridMonths months = new SendGridMonths(jdbi);
        batches.put(RetentionFamily.SENDGRID_EVENTS, (cutoff, limit) -> {
            // Whole expired months first (dropped, not deleted), then what is older than the cutoff in the month
            // the cutoff falls in, then the dedupe ids of the events gone. Months ahead are created on the way.
            months.createAhead(Instant.now(), SendGridMonths.AHEAD);
            long dropped = months.dropExpired(cutoff);
            int deleted = jdbi.withExtension(RetentionDao.class, dao -> dao.countAndDeleteSendGridEvents(cutoff, limit));
            int forgotten = jdbi.withExtension(RetentionDao.class, dao -> dao.forgetSendGridEventIds(cutoff, limit));
            return (int) Math.min(Integer.MAX_VALUE, Math.max(dropped + deleted, forgotten));
        });
        batches.put(RetentionFamily.EMAIL_BODIES, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.purgeEmailBodies(cutoff, limit)));
        batches.put(RetentionFamily.ACCOUNT_TOKENS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deleteSpentAccountTokens(cutoff, limit)));
        batches.put(RetentionFamily.CHECKIN_SCANS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deleteScansOfPastEvents(cutoff, limit)));
        batches.put(RetentionFamily.NEWSLETTER_RECIPIENTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deleteRecipientsOfSentNewsletters(cutoff, limit)));
        batches.put(RetentionFamily.ACCOUNT_EXPORTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deleteOldAccountExports(cutoff, limit)));
        batches.put(RetentionFamily.EMAIL_ADDRESSES, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.purgeEmailAddresses(cutoff, limit)));
        batches.put(RetentionFamily.DUES_CHECKOUTS, (cutoff, limit) -> jdbi.withExtension(CommunityRecordsRetentionDao.class,
                dao -> dao.deleteUnpaidCheckouts(cutoff, limit)));
        batches.put(RetentionFamily.MEMBERSHIP_REQUESTS, (cutoff, limit) -> jdbi.withExtension(CommunityRecordsRetentionDao.class,
                dao -> dao.deleteDecidedMembershipRequests(cutoff, limit)));
        batches.put(RetentionFamily.INVITATIONS, (cutoff, limit) -> jdbi.withExtension(CommunityRecordsRetentionDao.class,
                dao -> dao.deleteSpentInvitations(cutoff, limit)));
        batches.put(RetentionFamily.CONTENT_BUDGET_USAGE, (cutoff, limit) -> jdbi.withExtension(CommunityRecordsRetentionDao.class,
                dao -> dao.deletePastBudgetDays(cutoff, limit)));
        batches.put(RetentionFamily.PAYMENTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deletePaymentsPastTheirRecordKeeping(cutoff, limit)));
        return batches;
    }
}
