package com.koomy.api.payments;

import com.koomy.errors.ApiException;
import com.koomy.payments.PaymentQuery;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The query parameters of the payments list and its CSV, read as strings (Jersey answers 404 to a value it
 * cannot convert) and refused with a 400 naming the parameter.
 */
final class PaymentFilters {

    private PaymentFilters() {
    }

    static PaymentQuery query(String accountId, String from, String to, String method, String status) {
        return new PaymentQuery(uuid("accountId", accountId), date("from", from), date("to", to), blankToNull(method),
                blankToNull(status)).validate();
    }

    private static UUID uuid(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("invalid_" + name, name, "must be an id such as 3f2b8c1e-5d6a-4b7c-9e0f-1a2b3c4d5e6f");
        }
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField("invalid_" + name, name, "must be a date such as 2026-01-31");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
