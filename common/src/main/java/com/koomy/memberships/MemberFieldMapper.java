package com.koomy.memberships;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

public class MemberFieldMapper implements RowMapper<MemberField> {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> TEXTS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> VALUES = new TypeReference<>() { };

    @Override
    public MemberField map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MemberField(rs.getString("key"), rs.getString("label"), rs.getString("type"),
                read(rs.getString("choices"), TEXTS), rs.getBoolean("required"), rs.getString("visibility"));
    }

    /** A member's values, from the jsonb text of {@code memberships.fields}. */
    static Map<String, String> values(String json) {
        return json == null ? Map.of() : read(json, VALUES);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable jsonb from PostgreSQL", e);
        }
    }
}
