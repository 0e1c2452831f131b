package com.koomy.payments;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import com.koomy.errors.ApiException;

/**
 * Filters of a community's payments list and CSV; null: not filtered. The period is on the day the payment
 * was made (paid_at, else when it was recorded), {@code from} and {@code to} both included, in UTC.
 */
public record PaymentQuery(UUID accountId, LocalDate from, LocalDate to, String method, String status) {

    public static final PaymentQuery ALL = new PaymentQuery(null, null, null, null, null);

    public static PaymentQuery of(UUID accountId) {
        return new PaymentQuery(accountId, null, null, null, null);
    }

    public PaymentQuery mine(UUID callerId) {
        return new PaymentQuery(callerId, from, to, method, status);
    }

    public Instant fromAt() {
        return from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Instant toBefore() {
        return to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** 400 naming the field; checked before anything is read. */
    public PaymentQuery validate() {
        if (method != null && !Payment.CARD.equals(method) && !Payment.OFFLINE_METHODS.contains(method)) {
            throw ApiException.invalidField("invalid_method", "method", "must be one of card, cash, cheque, transfer");
        }
        if (status != null && !Payment.STATUSES.contains(status)) {
            throw ApiException.invalidField("invalid_status", "status",
                    "must be one of failed, succeeded, partially_refunded, refunded, void");
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw ApiException.invalidField("invalid_period", "to", "must not be before from");
        }
        return this;
    }
}
