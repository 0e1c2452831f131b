package com.koomy.api.docs;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.jackson.TypeNameResolver;
import io.swagger.v3.core.util.Json;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The naming rule of the document's schemas: a record nested in a class is named after that class too,
 * without its {@code Resource} suffix ({@code AuthResource.RegisterRequest} is {@code AuthRegisterRequest},
 * {@code RegistrationsResource.RegisterRequest} is {@code RegistrationsRegisterRequest}); a top-level class
 * keeps its simple name. Two classes sharing a simple name therefore no longer overwrite each other's
 * schema. Every name given out is remembered with its class, so a test can prove no name has two.
 */
public class SchemaNames extends TypeNameResolver {

    private static final Map<String, Set<String>> GIVEN = new ConcurrentHashMap<>();

    @Override
    protected String getNameOfClass(Class<?> cls) {
        String name = super.getNameOfClass(cls);
        Class<?> enclosing = cls.getEnclosingClass();
        if (enclosing != null && !name.contains(".")) {
            name = prefix(enclosing) + name;
        }
        GIVEN.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(cls.getName());
        return name;
    }

    private static String prefix(Class<?> enclosing) {
        String outer = enclosing.getEnclosingClass() == null ? enclosing.getSimpleName()
                : prefix(enclosing.getEnclosingClass()) + enclosing.getSimpleName();
        return outer.endsWith("Resource") && outer.length() > "Resource".length()
                ? outer.substring(0, outer.length() - "Resource".length()) : outer;
    }

    /** Schema names given to more than one class so far (name: the classes); empty when the rule holds. */
    public static Map<String, Set<String>> collisions() {
        Map<String, Set<String>> collisions = new TreeMap<>();
        GIVEN.forEach((name, classes) -> {
            if (classes.size() > 1) {
                collisions.put(name, Set.copyOf(classes));
            }
        });
        return collisions;
    }

    /** swagger-core's model resolver with this naming rule; named in the document's configuration. */
    public static class Resolver extends ModelResolver {
        public Resolver() {
            super(Json.mapper(), new SchemaNames());
        }
    }
}
