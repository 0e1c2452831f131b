package com.koomy.email;

import com.koomy.newsletters.ListUnsubscribe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recipient's copy of a batch email: a batch stores its content once, with placeholders that SendGrid
 * replaces in each recipient's copy (substitutions of their personalization): the name of a dues
 * reminder's member ({@link Personalized}), a newsletter footer's one-click unsubscribe link (the HTTPS
 * link of the recipient's {@code List-Unsubscribe}). The mailer sends these values; the operators' outbox
 * shows them and the copy they make (the sink delivers nothing, so that view is the only copy there is).
 */
public final class RecipientCopy {

    private RecipientCopy() {
    }

    /**
     * The values replaced in {@code recipient}'s copy, placeholder to value; {@code headers}: their copy's
     * headers ({@link ListUnsubscribe}), empty when none. Empty for mail rendered for its one recipient.
     */
    public static Map<String, String> substitutions(RenderedEmail content, Recipient recipient, Map<String, String> headers) {
        Map<String, String> values = new LinkedHashMap<>(Personalized.valuesFor(content, recipient));
        String url = unsubscribeUrl(headers);
        if (url != null) {
            values.put(ListUnsubscribe.URL_PLACEHOLDER, url);
        }
        return values;
    }

    /** The copy as the recipient receives it: every placeholder replaced by its value, in each part. */
    public static RenderedEmail apply(RenderedEmail content, Map<String, String> values) {
        return new RenderedEmail(apply(content.subject(), values), apply(content.html(), values), apply(content.text(), values));
    }

    private static String apply(String part, Map<String, String> values) {
        if (part == null) {
            return null;
        }
        String copy = part;
        for (Map.Entry<String, String> value : values.entrySet()) {
            copy = copy.replace(value.getKey(), value.getValue());
        }
        return copy;
    }

    /** The HTTPS link of a List-Unsubscribe header (the footer's link), or null. */
    public static String unsubscribeUrl(Map<String, String> headers) {
        String header = headers == null ? null : headers.get(ListUnsubscribe.HEADER);
        int https = header == null ? -1 : header.indexOf("<http");
        return https < 0 ? null : header.substring(https + 1, header.indexOf('>', https));
    }
}
