package com.koomy.retention;

import org.jdbi.v3.core.Jdbi;

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
        batches.put(RetentionFamily.SENDGRID_EVENTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.countAndDeleteSendGridEvents(cutoff, limit)));
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
        batches.put(RetentionFamily.PAYMENTS, (cutoff, limit) ->
                jdbi.withExtension(RetentionDao.class, dao -> dao.deletePaymentsPastTheirRecordKeeping(cutoff, limit)));
        return batches;
    }
}
