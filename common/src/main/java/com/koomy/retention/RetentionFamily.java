package com.koomy.retention;

import com.koomy.config.RetentionFactory;

import java.time.Duration;
import java.util.function.Function;

/**
 * The table families the retention jobs keep in check, each a recurring job of its own under a stable id
 * (docs/operations.md, "Data retention"). Payments, with their receipts and refunds, go only after the 10 years
 * French accounting law keeps them (Code de commerce L123-22).
 */
public enum RetentionFamily {
    STRIPE_EVENTS("retention-stripe-events", "settled Stripe events", RetentionFactory::getStripeEvents),
    SENDGRID_EVENTS("retention-sendgrid-events", "SendGrid events (counted first)", RetentionFactory::getSendgridEvents),
    EMAIL_BODIES("retention-email-bodies", "rendered bodies of settled emails", RetentionFactory::getEmailBodies),
    ACCOUNT_TOKENS("retention-account-tokens", "used and expired account tokens", RetentionFactory::getAccountTokens),
    CHECKIN_SCANS("retention-checkin-scans", "check-in scans after their event", RetentionFactory::getCheckinScans),
    FAILED_JOBS("retention-failed-jobs", "JobRunr's failed jobs", RetentionFactory::getFailedJobs),
    NEWSLETTER_RECIPIENTS("retention-newsletter-recipients", "audience lists of sent newsletters",
            RetentionFactory::getNewsletterRecipients),
    ACCOUNT_EXPORTS("retention-account-exports", "account exports (archives and rows)", RetentionFactory::getAccountExports),
    EMAIL_ADDRESSES("retention-email-addresses", "addresses and variables of settled emails",
            RetentionFactory::getEmailAddresses),
    DUES_CHECKOUTS("retention-dues-checkouts", "dues checkouts never paid", RetentionFactory::getDuesCheckouts),
    MEMBERSHIP_REQUESTS("retention-membership-requests", "decided or withdrawn membership requests",
            RetentionFactory::getMembershipRequests),
    INVITATIONS("retention-invitations", "accepted or expired invitations", RetentionFactory::getInvitations),
    CONTENT_BUDGET_USAGE("retention-content-budget-usage", "past days of the AI budget",
            RetentionFactory::getContentBudgetUsage),
    PAYMENTS("retention-payments", "payments with their receipts and refunds (counted from the end of their last year)",
            RetentionFactory::getPayments);

    private final String recurringId;
    private final String description;
    private final Function<RetentionFactory, io.dropwizard.util.Duration> keep;

    RetentionFamily(String recurringId, String description, Function<RetentionFactory, io.dropwizard.util.Duration> keep) {
        this.recurringId = recurringId;
        this.description = description;
        this.keep = keep;
    }

    /** Stable id of the family's recurring job: every worker start updates the same one. */
    public String recurringId() {
        return recurringId;
    }

    public String description() {
        return description;
    }

    /** How long the family is kept under {@code config}. */
    public Duration keep(RetentionFactory config) {
        return keep.apply(config).toJavaDuration();
    }
}
