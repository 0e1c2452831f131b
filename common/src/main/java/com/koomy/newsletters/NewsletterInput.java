package com.koomy.newsletters;

import com.koomy.email.EmailMessage;
import com.koomy.newsletters.NewsletterSegment;
import com.koomy.errors.ApiException;
import com.koomy.events.EventDao;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Checks of a newsletter's fields as a manager writes them; a bad one is 400 naming the field. */
final class NewsletterInput {

    private NewsletterInput() {
    }

    static void requireEvent(Handle h, UUID communityId, String segment, UUID eventId) {
        if (eventId != null && !h.attach(EventDao.class).exists(communityId, eventId)) {
            throw invalid("eventId", "eventId is not an event of this community");
        }
        if ("event".equals(segment) && eventId == null) {
            throw invalid("eventId", "the event segment needs an eventId");
        }
    }

    static String segment(String name) {
        return NewsletterSegment.byName(name).map(Enum::name).orElseThrow(() -> invalid("segment",
                "segment must be one of all, dues_paid, dues_overdue, event, admins"));
    }

    static String locale(String locale) {
        if (locale == null) {
            return null;
        }
        String l = locale.toLowerCase(Locale.ROOT);
        if (!EmailMessage.LOCALES.contains(l)) {
            throw invalid("locale", "locale must be fr or en");
        }
        return l;
    }

    static void requireText(String field, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw invalid(field, field + " must be 1 to " + max + " characters, not blank");
        }
    }

    static ApiException invalid(String field, String message) {
        String why = message.startsWith(field + " ") ? message.substring(field.length() + 1) : message;
        return ApiException.invalidField("invalid_" + field, field, why);
    }
}
