package com.koomy.email;

import jakarta.annotation.Nullable;
/** One addressee; the address is kept in its normal form ({@link EmailAddresses#normalize}) so suppressions and dedupe match. */
public record Recipient(String email, @Nullable String name) {

    public Recipient {
        if (email == null || !EmailAddresses.isValid(email)) {
            throw new InvalidEmailException("invalid_recipient", "not a valid email address: " + email);
        }
        email = EmailAddresses.normalize(email);
        name = name == null || name.isBlank() ? null : name.strip();
    }

    public static Recipient of(String email) {
        return new Recipient(email, null);
    }
}
