package com.koomy.memberships;

import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The member fields of a community (issue 21): their definitions, replaced as a whole by owners and admins,
 * and each member's values, written when joining ({@link #checkOnJoin}) or later ({@link #writeMine}).
 * Definitions and values are written under a lock on the community row (FOR UPDATE / FOR SHARE), so a value is
 * never checked against definitions that change before it commits. Every committed change tells
 * {@link Communities#changed}, which drops the cached directory pages that show the values.
 */
public class MemberFields {

    private final Jdbi jdbi;
    private final Communities communities;

    public MemberFields(Jdbi jdbi, Communities communities) {
        this.jdbi = jdbi;
        this.communities = communities;
    }

    /**
     * A member's own membership with all of its values (both visibilities: visibility says who besides the member
     * sees a value) and {@code missingFields}, the keys of the required fields it has no value for, in the
     * community's order: a field made required after the member joined is asked of them here.
     */
    public record MyFields(UUID communityId, UUID accountId, String role, String status, Map<String, String> fields,
                           List<String> missingFields) {
    }

    /**
     * The definitions: to the community's members (active or pending), and to any signed-in account for a
     * public community (to fill them when joining); 404 otherwise, as for any private data.
     */
    public List<MemberField> list(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            if (!community.isPublic() && handle.attach(MembershipDao.class).find(communityId, callerId).isEmpty()) {
                throw Communities.notFound();
            }
            return handle.attach(MemberFieldDao.class).list(communityId);
        });
    }

    /**
     * Replaces the definitions (owners and admins). A kept key keeps its members' values; a removed key's
     * values are deleted; a kept key may change its type only while no member holds a value for it.
     */
    public List<MemberField> replace(UUID communityId, UUID callerId, List<MemberFieldRules.Draft> drafts) {
        List<MemberField> replaced = jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            List<Map<String, String>> problems = new ArrayList<>();
            List<MemberField> fields = MemberFieldRules.definitions(drafts, problems);
            MemberFieldDao dao = handle.attach(MemberFieldDao.class);
            dao.lockForDefinitions(communityId).orElseThrow(Communities::notFound);
            Map<String, MemberField> before = dao.list(communityId).stream()
                    .collect(Collectors.toMap(MemberField::key, f -> f));
            for (int i = 0; i < fields.size(); i++) {
                MemberField old = before.get(fields.get(i).key());
                if (old != null && !old.type().equals(fields.get(i).type())) {
                    long held = dao.countValues(communityId, old.key());
                    if (held > 0) {
                        problems.add(MemberFieldRules.problem("fields[" + i + "].type", "cannot change while " + held
                                + " member(s) have a value for this field: add a field with a new key instead"));
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw MemberFieldRules.invalid(problems);
            }
            Set<String> kept = fields.stream().map(MemberField::key).collect(Collectors.toSet());
            String[] removed = before.keySet().stream().filter(k -> !kept.contains(k)).toArray(String[]::new);
            if (removed.length > 0) {
                dao.deleteValues(communityId, removed);
            }
            dao.deleteAll(communityId);
            for (int i = 0; i < fields.size(); i++) {
                MemberField f = fields.get(i);
                dao.insert(new MemberFieldDao.NewField(communityId, f.key(), i, f.label(), f.type(),
                        MemberFieldMapper.json(f.choices()), f.required(), f.visibility()));
            }
            return dao.list(communityId);
        });
        communities.changed(communityId);
        return replaced;
    }

    /**
     * Checks the values given when joining, in the join's transaction (the community row share-locked until it
     * commits); returns the values to store. Every required field must be there.
     */
    public static Map<String, String> checkOnJoin(Handle handle, UUID communityId, Map<String, String> given) {
        MemberFieldDao dao = handle.attach(MemberFieldDao.class);
        dao.lockForValues(communityId);
        List<MemberField> definitions = dao.list(communityId);
        if (definitions.isEmpty() && (given == null || given.isEmpty())) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>(MemberFieldRules.values(definitions, given, true));
        values.values().removeIf(v -> v == null);
        return values;
    }

    /** Stores values checked by {@link MemberFieldRules#values}: null clears a key. */
    static void write(Handle handle, UUID communityId, UUID accountId, Map<String, String> checked) {
        if (checked.isEmpty()) {
            return;
        }
        Map<String, String> set = new HashMap<>();
        List<String> cleared = new ArrayList<>();
        checked.forEach((key, value) -> {
            if (value == null) {
                cleared.add(key);
            } else {
                set.put(key, value);
            }
        });
        handle.attach(MemberFieldDao.class).writeValues(communityId, accountId, MemberFieldMapper.json(set),
                cleared.toArray(String[]::new));
    }

    /**
     * The caller fills or changes their own values (an active or pending member): only the keys given change,
     * an empty value clears one (not a required one). 404 for no membership.
     */
    public MyFields writeMine(UUID communityId, UUID callerId, Map<String, String> given) {
        MyFields mine = jdbi.inTransaction(handle -> {
            MemberFieldDao dao = handle.attach(MemberFieldDao.class);
            dao.lockForValues(communityId).orElseThrow(Communities::notFound);
            Membership membership = handle.attach(MembershipDao.class).lockShared(communityId, callerId)
                    .orElseThrow(Communities::notFound);
            write(handle, communityId, callerId, MemberFieldRules.values(dao.list(communityId), given, false));
            return mine(handle, membership);
        });
        communities.changed(communityId);
        return mine;
    }

    /** The caller's own membership (active or pending) with its values and missing required fields; 404 for none. */
    public MyFields mine(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> mine(handle, handle.attach(MembershipDao.class).find(communityId, callerId)
                .orElseThrow(Communities::notFound)));
    }

    private static MyFields mine(Handle handle, Membership membership) {
        MemberFieldDao dao = handle.attach(MemberFieldDao.class);
        Map<String, String> values = MemberFieldMapper.values(dao.values(membership.communityId(), membership.accountId())
                .orElseThrow());
        List<String> missing = dao.list(membership.communityId()).stream()
                .filter(f -> f.required() && !values.containsKey(f.key())).map(MemberField::key).toList();
        return new MyFields(membership.communityId(), membership.accountId(), membership.role(), membership.status(), values,
                missing);
    }

    /**
     * The directory's field filters as the JSON object {@code memberships.fields} must contain: each key a
     * defined field, each value normalized as stored; at most {@value MemberFieldRules#MAX_FILTERS}. 400 otherwise.
     * The definitions are only a manager's to probe: the caller's right is checked first (404, 403).
     */
    static String filter(Handle handle, UUID communityId, UUID callerId, Map<String, String> filters) {
        Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
        List<MemberField> definitions = handle.attach(MemberFieldDao.class).list(communityId);
        if (filters.size() > MemberFieldRules.MAX_FILTERS) {
            throw MemberFieldRules.invalid(List.of(MemberFieldRules.problem("field",
                    "at most " + MemberFieldRules.MAX_FILTERS + " field filters at once")));
        }
        Map<String, String> match = new HashMap<>();
        List<Map<String, String>> problems = new ArrayList<>();
        filters.forEach((key, value) -> {
            Optional<MemberField> field = definitions.stream().filter(f -> f.key().equals(key)).findFirst();
            if (field.isEmpty()) {
                String shown = key.length() > 50 ? key.substring(0, 50) : key;
                problems.add(MemberFieldRules.problem("field." + shown, "is not a field of this community"));
                return;
            }
            String problem = MemberFieldRules.filterProblem(field.get(), value);
            if (problem != null) {
                problems.add(MemberFieldRules.problem("field." + key, problem));
            } else {
                match.put(key, MemberFieldRules.normalize(field.get(), value));
            }
        });
        if (!problems.isEmpty()) {
            throw MemberFieldRules.invalid(problems);
        }
        return MemberFieldMapper.json(match);
    }
}
