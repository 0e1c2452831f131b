package com.koomy.newsletters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The headers every newsletter email carries (RFC 2369, RFC 8058; Gmail's and Yahoo's bulk-sender rules):
 * {@code List-Unsubscribe: <mailto:...>, <https://.../api/unsubscribe?token=...>} and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}. The HTTPS link carries the recipient's
 * signed token ({@link UnsubscribeTokens}); the same link is the body's footer link. The worker computes
 * them when it sends, and the operators' outbox computes them again the same way to show them.
 * Without a secret only the mailto part is there.
 */
public final class ListUnsubscribe {

    public static final String HEADER = "List-Unsubscribe";
    public static final String POST_HEADER = "List-Unsubscribe-Post";
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    /** The body's footer link, replaced per recipient (SendGrid substitution); the template writes it. */
    public static final String URL_PLACEHOLDER = "[[unsubscribe_url]]";

    private final String publicUrl;
    private final String mailto;
    private final UnsubscribeTokens tokens;

    /** {@code tokens} null: no secret configured, mailto only. */
    public ListUnsubscribe(String publicUrl, String mailto, UnsubscribeTokens tokens) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.mailto = mailto;
        this.tokens = tokens;
    }

    public boolean signed() {
        return tokens != null;
    }

    /** The HTTPS one-click link of this recipient, or null without a secret. */
    public String url(UUID communityId, UUID newsletterId, String email) {
        if (tokens == null) {
            return null;
        }
        return publicUrl + "/api/unsubscribe?token=" + URLEncoder.encode(tokens.sign(communityId, newsletterId, email),
                StandardCharsets.UTF_8);
    }

    public Map<String, String> headers(UUID communityId, UUID newsletterId, String email) {
        Map<String, String> headers = new LinkedHashMap<>();
        String subject = "unsubscribe " + (communityId == null ? "" : communityId);
        String mail = "<mailto:" + mailto + "?subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20") + ">";
        String url = url(communityId, newsletterId, email);
        headers.put(HEADER, url == null ? mail : mail + ", <" + url + ">");
        if (url != null) {
            headers.put(POST_HEADER, ONE_CLICK);
        }
        return headers;
    }
}
