package com.koomy.db;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque cursor of a keyset-paginated list: base64url of the last item's sort key, here a text
 * (e.g. {@code lower(name)}) and a uuid that breaks ties. The two are joined by a NUL character,
 * which a PostgreSQL text value can never contain.
 */
public record KeysetCursor(String text, UUID id) {

    private static final String SEPARATOR = "\u0000";

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((text + SEPARATOR + id).getBytes(StandardCharsets.UTF_8));
    }

    /** 400 {@code invalid_cursor} naming the query parameter: a cursor this list did not give out. */
    public static com.koomy.errors.ApiException invalid() {
        return com.koomy.errors.ApiException.invalidField("invalid_cursor", "cursor", "is not one this list gave out");
    }

    /** Null for a null or empty cursor (the first page); IllegalArgumentException for anything not ours. */
    public static KeysetCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (cursor.length() > 1000) {
            throw new IllegalArgumentException("cursor too long");
        }
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int separator = raw.lastIndexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("not a cursor");
        }
        return new KeysetCursor(raw.substring(0, separator), UUID.fromString(raw.substring(separator + 1)));
    }
}
