package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.billing.Plan;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/**
 * Dues (Stripe Connect) and plans (Stripe Billing): the platform's fee on dues, where Checkout sends the
 * member back, dues reminders, reconciliation, and the plans with their limits.
 */
public class PaymentsFactory {

    /** The platform's application fee on each dues payment, in basis points of the amount (300 = 3 %)... */
    @Min(0) @Max(5000) private int applicationFeeBasisPoints = 300;
    /** ...plus a fixed part in the currency's minor unit. */
    @Min(0) private long applicationFeeFixed = 0;
    /** Country of the Express accounts we create (the community's legal seat). */
    @NotEmpty private String connectCountry = "FR";
    /** Members whose dues expire within this many days get one reminder per period. */
    @Min(1) @Max(90) private int reminderDaysBefore = 14;
    /** JobRunr cron of the dues reminder job (UTC). */
    @NotEmpty private String reminderCron = "0 8 * * *";
    /** JobRunr cron of the reconciliation job that catches up events Stripe could not deliver. */
    @NotEmpty private String reconcileCron = "*/10 * * * *";
    /** How far back the first reconciliation looks when no cursor is stored yet. */
    @NotNull private Duration reconcileFirstLookBack = Duration.hours(24);
    @Valid @NotEmpty private List<Plan> plans = Plan.DEFAULTS;

    /** The fee for a dues amount: basis points of it plus the fixed part, never more than the amount. */
    public long applicationFee(long amount) {
        return Math.min(amount, amount * applicationFeeBasisPoints / 10_000 + applicationFeeFixed);
    }

    @JsonProperty public int getApplicationFeeBasisPoints() { return applicationFeeBasisPoints; }
    @JsonProperty public void setApplicationFeeBasisPoints(int v) { this.applicationFeeBasisPoints = v; }
    @JsonProperty public long getApplicationFeeFixed() { return applicationFeeFixed; }
    @JsonProperty public void setApplicationFeeFixed(long v) { this.applicationFeeFixed = v; }
    @JsonProperty public String getConnectCountry() { return connectCountry; }
    @JsonProperty public void setConnectCountry(String connectCountry) { this.connectCountry = connectCountry; }
    @JsonProperty public int getReminderDaysBefore() { return reminderDaysBefore; }
    @JsonProperty public void setReminderDaysBefore(int reminderDaysBefore) { this.reminderDaysBefore = reminderDaysBefore; }
    @JsonProperty public String getReminderCron() { return reminderCron; }
    @JsonProperty public void setReminderCron(String reminderCron) { this.reminderCron = reminderCron; }
    @JsonProperty public String getReconcileCron() { return reconcileCron; }
    @JsonProperty public void setReconcileCron(String reconcileCron) { this.reconcileCron = reconcileCron; }
    @JsonProperty public Duration getReconcileFirstLookBack() { return reconcileFirstLookBack; }
    @JsonProperty public void setReconcileFirstLookBack(Duration d) { this.reconcileFirstLookBack = d; }
    @JsonProperty public List<Plan> getPlans() { return plans; }
    @JsonProperty public void setPlans(List<Plan> plans) { this.plans = plans; }
}
