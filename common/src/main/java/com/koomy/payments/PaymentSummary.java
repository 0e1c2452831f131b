package com.koomy.payments;

import java.util.List;
import java.util.UUID;

/**
 * A calendar year's takings of a community (UTC), one line per tier, method and currency: payments that
 * succeeded, with what was refunded of them; voided and failed payments are left out.
 */
public record PaymentSummary(int year, List<Line> items) {

    public record Line(UUID tierId, String tierName, String method, String currency, long payments, long amount,
                       long refunded, long net) {
    }
}
