package com.koomy.email;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request for many recipients whose copies differ by a few values (dues reminders: each member's
 * name): the content is rendered once with placeholders, and each recipient's personalization carries
 * their values (SendGrid substitutions). The name has two placeholders because the HTML part needs it
 * escaped and the text part and subject must not have it escaped. The row keeps the content as rendered,
 * placeholders included; {@link RecipientCopy} gives each recipient's copy (the operators' outbox).
 */
final class Personalized {

    static final String NAME_HTML = "[[recipient_name_html]]";
    static final String NAME_TEXT = "[[recipient_name]]";

    private Personalized() {
    }

    /** Whether {@code email} is a batch rendered once for everybody: several recipients and no name of its own. */
    static boolean applies(Email email) {
        return email.recipients().size() > 1 && !email.variables().containsKey("recipientName");
    }

    /** The subject and text rendered with the text placeholder, the HTML with the HTML one. */
    static RenderedEmail render(EmailRenderer renderer, EmailTemplate template, String locale, Map<String, Object> variables) {
        Map<String, Object> html = new HashMap<>(variables);
        html.put("recipientName", NAME_HTML);
        Map<String, Object> text = new HashMap<>(variables);
        text.put("recipientName", NAME_TEXT);
        RenderedEmail forText = renderer.render(template, locale, text);
        return new RenderedEmail(forText.subject(), renderer.render(template, locale, html).html(), forText.text());
    }

    /** Each recipient's values, when the content has placeholders; else none. */
    static Map<String, Map<String, String>> substitutions(RenderedEmail content, List<Recipient> to) {
        if (!hasPlaceholders(content)) {
            return Map.of();
        }
        Map<String, Map<String, String>> byAddress = new HashMap<>();
        for (Recipient r : to) {
            byAddress.put(r.email(), values(r));
        }
        return byAddress;
    }

    /** One recipient's values, when the content has placeholders; else none. */
    static Map<String, String> valuesFor(RenderedEmail content, Recipient recipient) {
        return hasPlaceholders(content) ? values(recipient) : Map.of();
    }

    private static boolean hasPlaceholders(RenderedEmail content) {
        return contains(content.html(), NAME_HTML) || contains(content.text(), NAME_TEXT) || contains(content.subject(), NAME_TEXT);
    }

    private static boolean contains(String part, String placeholder) {
        return part != null && part.contains(placeholder);
    }

    private static Map<String, String> values(Recipient r) {
        String name = r.name() == null ? "" : r.name();
        return Map.of(NAME_HTML, escapeHtml(name), NAME_TEXT, name);
    }

    private static String escapeHtml(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
