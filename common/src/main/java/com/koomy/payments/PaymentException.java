package com.koomy.payments;

import com.koomy.communities.CommunityException;

/** A refused payment or billing request (status and code as the API answers them); nothing was written. */
public class PaymentException extends CommunityException {

    public PaymentException(int status, String code, String message) {
        super(status, code, message);
    }
}
