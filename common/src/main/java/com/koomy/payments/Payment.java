package com.koomy.payments;

import jakarta.annotation.Nullable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.Locale;
import java.util.UUID;

/**
 * A dues payment: by card as recorded from Stripe's events, or recorded by a manager (cash, cheque, bank
 * transfer; no Stripe ids). Amounts in the currency's minor unit. {@code receiptNumber}: R-year-number, set
 * once the payment succeeded.
 */
public record Payment(
        UUID id,
        UUID communityId,
        UUID accountId,
        @Nullable UUID checkoutId,
        @Nullable UUID tierId,
        String description,
        @Nullable String stripeAccount,
        @Nullable String paymentIntentId,
        @Nullable String checkoutSessionId,
        @Nullable String chargeId,
        long amount,
        long applicationFee,
        String currency,
        long amountRefunded,
        String status,
        @Nullable String failureMessage,
        @Nullable Instant paidAt,
        @Nullable Instant refundedAt,
        Instant createdAt,
        String method,
        @Nullable String reference,
        @Nullable String receiptNumber,
        @Nullable Instant voidedAt,
        @Nullable String voidReason) {

    public static final String FAILED = "failed";
    public static final String SUCCEEDED = "succeeded";
    public static final String PARTIALLY_REFUNDED = "partially_refunded";
    public static final String REFUNDED = "refunded";
    public static final String VOID = "void";
    public static final java.util.Set<String> STATUSES = java.util.Set.of(FAILED, SUCCEEDED, PARTIALLY_REFUNDED, REFUNDED, VOID);

    public static final String CARD = "card";
    /** The methods a manager records by hand. */
    public static final java.util.Set<String> OFFLINE_METHODS = java.util.Set.of("cash", "cheque", "transfer");

    public boolean isCard() {
        return CARD.equals(method);
    }

    /** "25.00" for 2500 eur; "2500" for 2500 jpy. */
    public static String format(long minorUnits, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        return BigDecimal.valueOf(minorUnits, digits).toPlainString();
    }
}
