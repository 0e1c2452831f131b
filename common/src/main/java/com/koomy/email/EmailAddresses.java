package com.koomy.email;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email addresses: one normal form, and a deliberately plain syntax check (one @, no spaces, a dot in the
 * domain, at most 254 characters).
 * <p>
 * {@link #normalize} is the only spelling of an address that is stored or compared: accounts (registration,
 * sign-in, password reset, operator flag), invitations, recipients and suppressions, and the per-email rate
 * limits. Comparisons are exact, in Java and in SQL: PostgreSQL's {@code lower()} follows the database's
 * collation (under C.UTF-8 it makes {@code İ} an {@code i}, where Java makes it {@code i̇}), so SQL never
 * lower-cases an address again; V16 brought the stored rows to this form.
 */
public final class EmailAddresses {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\".]+$");

    private EmailAddresses() {
    }

    /**
     * Trimmed, NFKC (full-width letters and {@code ＠} become ASCII), lower-cased by Unicode's rules (not the
     * server's locale), NFKC again (lower-casing can undo it), and without the domain's trailing dot (the
     * root label: {@code example.org.} is {@code example.org}). Null stays null.
     */
    public static String normalize(String email) {
        if (email == null) {
            return null;
        }
        String s = Normalizer.normalize(email.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = Normalizer.normalize(s, Normalizer.Form.NFKC).strip();
        int at = s.lastIndexOf('@');
        while (at >= 0 && s.endsWith(".") && s.length() > at + 2) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Checks the normalized form (a trailing dot or full-width letters are fine). */
    public static boolean isValid(String email) {
        String normal = normalize(email);
        return normal != null && normal.length() <= 254 && SHAPE.matcher(normal).matches();
    }
}
