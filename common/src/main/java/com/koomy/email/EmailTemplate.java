package com.koomy.email;

import java.util.Arrays;
import java.util.Optional;

/**
 * The emails the platform sends. Each says whether it is bulk mail (an unsubscribe suppresses it)
 * and whether a retry may send it again after an attempt died between SendGrid's accept and our
 * bookkeeping: a reset link sent twice is harmless, a receipt or a newsletter sent twice is not, so
 * those stay {@code sending} for an operator to decide.
 */
public enum EmailTemplate {
    WELCOME("welcome", false, true),
    EMAIL_VERIFICATION("email_verification", false, true),
    PASSWORD_RESET("password_reset", false, true),
    EMAIL_CHANGE_CONFIRM("email_change_confirm", false, true),
    EMAIL_CHANGE_NOTICE("email_change_notice", false, true),
    ACCOUNT_DELETION_REQUESTED("account_deletion_requested", false, true),
    ACCOUNT_RESTORED("account_restored", false, true),
    INVITATION("invitation", false, false),
    OWNERSHIP_TRANSFERRED("ownership_transferred", false, true),
    MEMBERSHIP_APPROVED("membership_approved", false, true),
    MEMBERSHIP_REFUSED("membership_refused", false, true),
    PAYMENT_RECEIPT("payment_receipt", false, false),
    PAYMENT_FAILED("payment_failed", false, false),
    EVENT_TICKET("event_ticket", false, false),
    DUES_REMINDER("dues_reminder", true, false),
    NEWSLETTER("newsletter", true, false);

    private final String id;
    private final boolean bulk;
    private final boolean resendAfterInterruption;

    EmailTemplate(String id, boolean bulk, boolean resendAfterInterruption) {
        this.id = id;
        this.bulk = bulk;
        this.resendAfterInterruption = resendAfterInterruption;
    }

    public String id() {
        return id;
    }

    public boolean bulk() {
        return bulk;
    }

    public boolean resendAfterInterruption() {
        return resendAfterInterruption;
    }

    public static Optional<EmailTemplate> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
