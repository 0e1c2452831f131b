package com.koomy.email;

import java.util.regex.Pattern;

/** A deliberately plain syntax check: one @, no spaces, a dot in the domain, at most 254 characters. */
final class EmailAddresses {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\".]+$");

    private EmailAddresses() {
    }

    static boolean isValid(String email) {
        String trimmed = email.trim();
        return trimmed.length() <= 254 && SHAPE.matcher(trimmed).matches();
    }
}
