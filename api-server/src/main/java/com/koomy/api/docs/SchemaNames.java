package com.koomy.api.docs;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.core.jackson.TypeNameResolver;
import io.swagger.v3.core.util.Json;

import java.util.Iterator;
import java.util.List;
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
    /** Schema name: its properties a response may leave null ({@code @Nullable} or {@code Optional}); see ResponseSchemas. */
    private static final Map<String, Set<String>> MAY_BE_NULL = new ConcurrentHashMap<>();

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

    /**
     * The properties of the schema {@code name} that a response may leave null (annotated {@code @Nullable}, or an
     * {@code Optional}); null for a schema not made from one of our classes.
     */
    public static Set<String> mayBeNull(String name) {
        return MAY_BE_NULL.get(name);
    }

    /**
     * swagger-core's model resolver with this naming rule; named in the document's configuration. It also says
     * what the server really sends and accepts: a property of a reference type that Bean Validation does not
     * require may be {@code null}, so it is {@code nullable} (the rule of requests; {@link ResponseSchemas} then
     * applies the response rule, from the {@code @Nullable} properties this resolver records); a Java-only regular
     * expression flag ({@code (?s)}) is rewritten in the ECMA dialect that JSON Schema patterns use; a pattern
     * that is a choice of words ({@code fr|en}) is an {@code enum}, since Bean Validation matches the whole value.
     */
    public static class Resolver extends ModelResolver {
        /** A pattern that is a choice of plain words: an enum in the document. */
        private static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile("[a-z_]+(\\|[a-z_]+)+");

        public Resolver() {
            super(Json.mapper(), new SchemaNames());
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> next) {
            Schema resolved = super.resolve(type, context, next);
            if (resolved == null || type.getType() == null) {
                return resolved;
            }
            JavaType javaType = _mapper.constructType(type.getType());
            if (javaType.isContainerType() || !javaType.getRawClass().getName().startsWith("com.koomy.")) {
                return resolved;
            }
            // the model itself, or (when it was answered as a $ref) the one defined in the context
            Schema schema = resolved.getProperties() != null ? resolved : context.getDefinedModels().get(_typeName(javaType));
            if (schema == null || schema.getProperties() == null) {
                return resolved;
            }
            List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
            BeanDescription bean = _mapper.getSerializationConfig().introspect(javaType);
            Set<String> mayBeNull = ConcurrentHashMap.newKeySet();
            // a record that says itself which fields are required (@Schema(requiredMode)) keeps its list in responses too
            boolean explicit = bean.findProperties().stream().anyMatch(Resolver::requiredModeSet);
            for (BeanPropertyDefinition property : bean.findProperties()) {
                if (annotated(property, jakarta.annotation.Nullable.class) || java.util.Optional.class.equals(property.getRawPrimaryType())
                        || explicit && !required.contains(property.getName())) {
                    mayBeNull.add(property.getName());
                }
                Schema<?> described = (Schema<?>) schema.getProperties().get(property.getName());
                if (described != null && annotated(property, jakarta.validation.constraints.NotBlank.class)) {
                    // swagger reads @NotBlank beside @Size(max) as minLength 0; the server wants a non-space character
                    described.setMinLength(Math.max(1, described.getMinLength() == null ? 0 : described.getMinLength()));
                    if (described.getPattern() == null) {
                        described.setPattern("\\S");
                    }
                }
                if (described != null && Object.class.equals(property.getRawPrimaryType())) {
                    // an Object component holds any JSON value (a reading: a number, a string), not only an object
                    schema.getProperties().put(property.getName(), new Schema<>().description(described.getDescription())
                            .nullable(required.contains(property.getName()) ? null : Boolean.TRUE));
                    continue;
                }
                if (described == null || property.getRawPrimaryType().isPrimitive() || required.contains(property.getName())) {
                    continue;
                }
                if (described.get$ref() != null) {
                    schema.getProperties().put(property.getName(), new ComposedSchema().addAllOfItem(described).nullable(true));
                } else {
                    described.setNullable(true);
                    if (described.getEnum() != null && !described.getEnum().contains(null)) {
                        ((Schema<Object>) described).addEnumItemObject(null); // OpenAPI 3.0: a nullable enum lists null
                    }
                }
            }
            MAY_BE_NULL.put(_typeName(javaType), Set.copyOf(mayBeNull));
            for (Object property : schema.getProperties().values()) {
                Schema<?> described = (Schema<?>) property;
                if (described.getPattern() != null && described.getPattern().startsWith("(?s)")) {
                    described.setPattern(described.getPattern().substring(4).replaceAll("(?<!\\\\)\\.", "[\\\\s\\\\S]"));
                }
                // @Pattern(regexp = "fr|en") matches the whole value; a JSON Schema pattern would match "french" too
                if (described.getPattern() != null && WORDS.matcher(described.getPattern()).matches()) {
                    List<Object> values = new java.util.ArrayList<>(List.of(described.getPattern().split("\\|")));
                    if (Boolean.TRUE.equals(described.getNullable())) {
                        values.add(null); // OpenAPI 3.0: a nullable enum lists null among its values
                    }
                    ((Schema<Object>) described).setEnum(values);
                    described.setPattern(null);
                }
            }
            return resolved;
        }

        private static boolean requiredModeSet(BeanPropertyDefinition property) {
            return java.util.stream.Stream.of(property.getField(), property.getGetter(), property.getConstructorParameter())
                    .map(member -> member == null ? null : member.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class))
                    .anyMatch(schema -> schema != null && schema.requiredMode() != io.swagger.v3.oas.annotations.media.Schema.RequiredMode.AUTO);
        }

        private static boolean annotated(BeanPropertyDefinition property, Class<? extends java.lang.annotation.Annotation> annotation) {
            return java.util.stream.Stream.of(property.getField(), property.getGetter(), property.getConstructorParameter())
                    .anyMatch(member -> member != null && member.hasAnnotation(annotation));
        }
    }
}
