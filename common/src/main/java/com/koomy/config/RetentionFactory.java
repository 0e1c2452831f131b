package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * How long each table family is kept, and how the worker's retention jobs delete (issue 23). Every number
 * and its reason: docs/operations.md, "Data retention". Payments, receipts, refunds and dues extensions go only
 * after 10 years, which the configuration cannot shorten (Code de commerce L123-22).
 */
public class RetentionFactory {

    /** Off: the recurring jobs are not registered (and removed from the dashboard if they were). */
    private boolean enabled = true;
    /** Rows per batch; each batch is one short transaction of its own. */
    @Min(1) @Max(50_000) private int batchSize = 5_000;
    /** Rest between two batches, so replication, autovacuum and writers keep up with a long backlog. */
    @NotNull private Duration pauseBetweenBatches = Duration.milliseconds(100);
    /** A run stops after this many batches (the next run goes on): bounds one job's length. */
    @Min(1) private int maxBatchesPerRun = 1_000;
    /** How often each family's recurring job runs. */
    @NotNull private Duration every = Duration.hours(1);

    /** Settled Stripe events (processed, ignored, refused), counted from settling and from Stripe's creation. */
    @NotNull private Duration stripeEvents = Duration.days(90);
    /** SendGrid events, folded into per-email counters when deleted. */
    @NotNull private Duration sendgridEvents = Duration.days(30);
    /** Rendered bodies of settled emails (sent, failed, suppressed); the row stays. */
    @NotNull private Duration emailBodies = Duration.days(30);
    /** Account tokens, from their expiry or their use. */
    @NotNull private Duration accountTokens = Duration.days(7);
    /** Check-in scans, from the end of their event. */
    @NotNull private Duration checkinScans = Duration.days(365);
    /** JobRunr's failed jobs, from their failure; they go to JobRunr's deleted state. */
    @NotNull private Duration failedJobs = Duration.days(30);
    /** A sent (or cancelled) newsletter's audience list, from its sending; the newsletter and its figures stay. */
    @NotNull private Duration newsletterRecipients = Duration.days(365);
    /** "Export my data" rows with their archive, from the last of request, build and download. */
    @NotNull private Duration accountExports = Duration.days(7);
    /** Addresses and template variables of settled emails, from creation; the row stays. Not shorter than emailBodies. */
    @NotNull private Duration emailAddresses = Duration.days(365);
    /** Dues checkouts no payment and no unsettled Stripe event names, from creation. */
    @NotNull private Duration duesCheckouts = Duration.days(90);
    /** Membership requests approved, refused or withdrawn, from the decision. */
    @NotNull private Duration membershipRequests = Duration.days(365);
    /** Invitations, from their acceptance or, never accepted, their expiry. */
    @NotNull private Duration invitations = Duration.days(90);
    /** The AI budget's daily counters, from the end of their (UTC) day. */
    @NotNull private Duration contentBudgetUsage = Duration.days(90);
    /** Payments with their receipts, refunds and dues extensions, from the end of the calendar year of their last fact. */
    @NotNull private Duration payments = Duration.days(3653);

    /** Code de commerce L123-22: accounting documents and their supporting records are kept 10 years. */
    @JsonIgnore
    @AssertTrue(message = "payments must be at least 3653 days: French accounting law (Code de commerce L123-22) keeps "
            + "payments, receipts and refunds for 10 years")
    public boolean isPaymentsTenYears() {
        return payments.toDays() >= 3653;
    }

    /** Stripe redelivers an event for up to 3 days and lists it in its Events API (reconciliation) for 30. */
    @JsonIgnore
    @AssertTrue(message = "stripeEvents must be at least 30 days: Stripe's Events API (reconciliation) lists events "
            + "for 30 days, and only the stored event_id dedupes them")
    public boolean isStripeEventsLongerThanRedelivery() {
        return stripeEvents.toDays() >= 30;
    }

    /** SendGrid retries a failed webhook delivery for up to 24 hours; sg_event_id dedupes them meanwhile (3 days: margin). */
    @JsonIgnore
    @AssertTrue(message = "sendgridEvents must be at least 3 days: SendGrid redelivers events for up to 24 hours, "
            + "and only the stored sg_event_id dedupes them")
    public boolean isSendgridEventsLongerThanRedelivery() {
        return sendgridEvents.toHours() >= 72;
    }

    /** The addresses outlive the bodies: an email whose bodies are still there keeps its addresses too. */
    @JsonIgnore
    @AssertTrue(message = "emailAddresses must not be shorter than emailBodies: addresses are purged after the bodies")
    public boolean isEmailAddressesAfterBodies() {
        return emailAddresses.toMinutes() >= emailBodies.toMinutes();
    }

    /** Stripe lists an event in its Events API for 30 days: a checkout stays while an event about it may still come. */
    @JsonIgnore
    @AssertTrue(message = "duesCheckouts must be at least 30 days: Stripe's Events API (reconciliation) lists events for 30 days")
    public boolean isDuesCheckoutsLongerThanStripeEvents() {
        return duesCheckouts.toDays() >= 30;
    }

    @JsonProperty public boolean isEnabled() { return enabled; }
    @JsonProperty public void setEnabled(boolean enabled) { this.enabled = enabled; }
    @JsonProperty public int getBatchSize() { return batchSize; }
    @JsonProperty public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    @JsonProperty public Duration getPauseBetweenBatches() { return pauseBetweenBatches; }
    @JsonProperty public void setPauseBetweenBatches(Duration pause) { this.pauseBetweenBatches = pause; }
    @JsonProperty public int getMaxBatchesPerRun() { return maxBatchesPerRun; }
    @JsonProperty public void setMaxBatchesPerRun(int maxBatchesPerRun) { this.maxBatchesPerRun = maxBatchesPerRun; }
    @JsonProperty public Duration getEvery() { return every; }
    @JsonProperty public void setEvery(Duration every) { this.every = every; }
    @JsonProperty public Duration getStripeEvents() { return stripeEvents; }
    @JsonProperty public void setStripeEvents(Duration v) { this.stripeEvents = v; }
    @JsonProperty public Duration getSendgridEvents() { return sendgridEvents; }
    @JsonProperty public void setSendgridEvents(Duration v) { this.sendgridEvents = v; }
    @JsonProperty public Duration getEmailBodies() { return emailBodies; }
    @JsonProperty public void setEmailBodies(Duration v) { this.emailBodies = v; }
    @JsonProperty public Duration getAccountTokens() { return accountTokens; }
    @JsonProperty public void setAccountTokens(Duration v) { this.accountTokens = v; }
    @JsonProperty public Duration getCheckinScans() { return checkinScans; }
    @JsonProperty public void setCheckinScans(Duration v) { this.checkinScans = v; }
    @JsonProperty public Duration getFailedJobs() { return failedJobs; }
    @JsonProperty public void setFailedJobs(Duration v) { this.failedJobs = v; }
    @JsonProperty public Duration getNewsletterRecipients() { return newsletterRecipients; }
    @JsonProperty public void setNewsletterRecipients(Duration v) { this.newsletterRecipients = v; }
    @JsonProperty public Duration getAccountExports() { return accountExports; }
    @JsonProperty public void setAccountExports(Duration v) { this.accountExports = v; }
    @JsonProperty public Duration getEmailAddresses() { return emailAddresses; }
    @JsonProperty public void setEmailAddresses(Duration v) { this.emailAddresses = v; }
    @JsonProperty public Duration getDuesCheckouts() { return duesCheckouts; }
    @JsonProperty public void setDuesCheckouts(Duration v) { this.duesCheckouts = v; }
    @JsonProperty public Duration getMembershipRequests() { return membershipRequests; }
    @JsonProperty public void setMembershipRequests(Duration v) { this.membershipRequests = v; }
    @JsonProperty public Duration getInvitations() { return invitations; }
    @JsonProperty public void setInvitations(Duration v) { this.invitations = v; }
    @JsonProperty public Duration getContentBudgetUsage() { return contentBudgetUsage; }
    @JsonProperty public void setContentBudgetUsage(Duration v) { this.contentBudgetUsage = v; }
    @JsonProperty public Duration getPayments() { return payments; }
    @JsonProperty public void setPayments(Duration v) { this.payments = v; }
}
