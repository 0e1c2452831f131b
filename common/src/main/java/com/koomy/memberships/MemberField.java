package com.koomy.memberships;

import java.util.List;
import java.util.Set;

/**
 * A profile field a community asks its members to fill (issue 21): {@code key} (stable, in the values'
 * JSON and the filters), {@code label} (shown, the CSV column), {@code type}, {@code choices} (for
 * {@code choice} only), {@code required} (when joining, and never cleared; asked later of members who lack it:
 * {@link MemberFields.MyFields#missingFields}), {@code visibility}: who besides the member sees a value,
 * {@code admins} (owners and admins) or {@code members} (also fellow members, where members see each other:
 * {@link FellowMembers}).
 */
public record MemberField(String key, String label, String type, List<String> choices, boolean required,
                          String visibility) {

    public static final String TEXT = "text";
    public static final String CHOICE = "choice";
    public static final String DATE = "date";
    public static final String PHONE = "phone";
    public static final Set<String> TYPES = Set.of(TEXT, CHOICE, DATE, PHONE);

    public static final String ADMINS = "admins";
    public static final String MEMBERS = "members";
    public static final Set<String> VISIBILITIES = Set.of(ADMINS, MEMBERS);

    public MemberField {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }
}
