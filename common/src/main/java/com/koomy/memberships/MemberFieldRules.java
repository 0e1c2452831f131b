package com.koomy.memberships;

import com.koomy.errors.ApiException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a community may define as member fields, and what a member may put in them. Every problem of a
 * request is reported at once, as 400 {@code validation_failed} with {@code details.fields} naming
 * {@code fields[i].x} (a definition) or {@code fields.<key>} (a value), like Bean Validation's answers.
 */
public final class MemberFieldRules {

    public static final int MAX_FIELDS = 30;
    public static final int MAX_LABEL = 100;
    public static final int MAX_CHOICES = 50;
    public static final int MAX_CHOICE = 100;
    public static final int MAX_TEXT = 500;
    public static final int MAX_FILTERS = 5;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s.()\\-]");
    private static final int ECHO = 50;

    private MemberFieldRules() {
    }

    /** A definition as sent: any part may be missing (null). */
    public record Draft(String key, String label, String type, List<String> choices, Boolean required, String visibility) {
    }

    /** The definitions, checked and normalized (labels and choices stripped, defaults applied); 400 otherwise. */
    public static List<MemberField> definitions(List<Draft> drafts, List<Map<String, String>> problems) {
        if (drafts == null) {
            problems.add(problem("fields", "must be a list"));
            return List.of();
        }
        if (drafts.size() > MAX_FIELDS) {
            problems.add(problem("fields", "must have at most " + MAX_FIELDS + " fields"));
            return List.of();
        }
        List<MemberField> fields = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < drafts.size(); i++) {
            String at = "fields[" + i + "]";
            Draft d = drafts.get(i);
            if (d == null) {
                problems.add(problem(at, "must be an object"));
                continue;
            }
            int before = problems.size();
            if (d.key() == null || !KEY.matcher(d.key()).matches()) {
                problems.add(problem(at + ".key", "must be 1 to 40 lower-case letters, digits or _, starting with a letter"));
            } else if (!keys.add(d.key())) {
                problems.add(problem(at + ".key", "is used by another field of the list"));
            }
            String label = d.label() == null ? "" : d.label().strip();
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                problems.add(problem(at + ".label", "must have 1 to " + MAX_LABEL + " characters"));
            }
            if (d.type() == null || !MemberField.TYPES.contains(d.type())) {
                problems.add(problem(at + ".type", "must be one of text, choice, date, phone"));
            }
            List<String> choices = choices(d, at, problems);
            String visibility = d.visibility() == null ? MemberField.ADMINS : d.visibility();
            if (!MemberField.VISIBILITIES.contains(visibility)) {
                problems.add(problem(at + ".visibility", "must be admins or members"));
            }
            if (problems.size() == before) {
                fields.add(new MemberField(d.key(), label, d.type(), choices, Boolean.TRUE.equals(d.required()), visibility));
            }
        }
        return fields;
    }

    private static List<String> choices(Draft d, String at, List<Map<String, String>> problems) {
        List<String> given = d.choices() == null ? List.of() : d.choices();
        if (!MemberField.CHOICE.equals(d.type())) {
            if (!given.isEmpty()) {
                problems.add(problem(at + ".choices", "are only for a field of type choice"));
            }
            return List.of();
        }
        if (given.isEmpty() || given.size() > MAX_CHOICES) {
            problems.add(problem(at + ".choices", "must list 1 to " + MAX_CHOICES + " choices"));
            return List.of();
        }
        List<String> choices = new ArrayList<>();
        for (String choice : given) {
            String c = choice == null ? "" : choice.strip();
            if (c.isEmpty() || c.length() > MAX_CHOICE) {
                problems.add(problem(at + ".choices", "must each have 1 to " + MAX_CHOICE + " characters"));
                return List.of();
            }
            if (choices.contains(c)) {
                problems.add(problem(at + ".choices", "must not repeat a choice"));
                return List.of();
            }
            choices.add(c);
        }
        return choices;
    }

    /**
     * A member's values checked against the definitions and normalized (text stripped, phone numbers without
     * separators): the key's new value, or null to clear it. {@code complete}: when joining, every required
     * field must be given; later, a required field cannot be cleared. 400 {@code validation_failed} otherwise.
     */
    public static Map<String, String> values(List<MemberField> definitions, Map<String, String> given, boolean complete) {
        Map<String, String> values = given == null ? Map.of() : given;
        List<Map<String, String>> problems = new ArrayList<>();
        Map<String, String> out = new LinkedHashMap<>();
        if (values.size() > MAX_FIELDS) {
            throw invalid(List.of(problem("fields", "must have at most " + MAX_FIELDS + " entries")));
        }
        Map<String, MemberField> byKey = new LinkedHashMap<>();
        definitions.forEach(f -> byKey.put(f.key(), f));
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String at = "fields." + cut(entry.getKey());
            MemberField field = byKey.get(entry.getKey());
            if (field == null) {
                problems.add(problem(at, "is not a field of this community"));
                continue;
            }
            String raw = entry.getValue() == null ? "" : entry.getValue().strip();
            if (raw.isEmpty()) {
                if (field.required()) {
                    problems.add(problem(at, "is required"));
                }
                out.put(field.key(), null);
                continue;
            }
            String problem = check(field, raw);
            if (problem != null) {
                problems.add(problem(at, problem));
            } else {
                out.put(field.key(), normalize(field, raw));
            }
        }
        if (complete) {
            for (MemberField field : definitions) {
                if (field.required() && !values.containsKey(field.key())) {
                    problems.add(problem("fields." + field.key(), "is required"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return out;
    }

    /** Why a filter's value cannot match this field (empty, or not a value of its type), or null. */
    public static String filterProblem(MemberField field, String value) {
        String raw = value == null ? "" : value.strip();
        return raw.isEmpty() ? "must not be empty" : check(field, raw);
    }

    /** Why the value does not fit the field, or null. */
    private static String check(MemberField field, String value) {
        switch (field.type()) {
            case MemberField.CHOICE -> {
                return field.choices().contains(value) ? null : cut("must be one of " + String.join(", ", field.choices()), 200);
            }
            case MemberField.DATE -> {
                try {
                    LocalDate.parse(value);
                    return null;
                } catch (DateTimeParseException e) {
                    return "must be a date such as 2026-05-01";
                }
            }
            case MemberField.PHONE -> {
                return PHONE.matcher(PHONE_SEPARATORS.matcher(value).replaceAll("")).matches() ? null
                        : "must be a phone number in international form such as +33 6 12 34 56 78";
            }
            default -> {
                return value.length() > MAX_TEXT ? "must have at most " + MAX_TEXT + " characters"
                        : value.indexOf('\u0000') >= 0 ? "must not contain the character U+0000" : null;
            }
        }
    }

    /** The value as stored: stripped, a phone number without separators. */
    public static String normalize(MemberField field, String value) {
        value = value.strip();
        return MemberField.PHONE.equals(field.type()) ? PHONE_SEPARATORS.matcher(value).replaceAll("") : value;
    }

    public static ApiException invalid(List<Map<String, String>> problems) {
        return ApiException.invalidFields(400, "validation_failed", problems);
    }

    public static Map<String, String> problem(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    private static String cut(String text) {
        return cut(text, ECHO);
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
