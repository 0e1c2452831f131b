package com.koomy.api.docs;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import jakarta.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The response rule on records of its own, one of them used on both sides (no route of the API does so today). */
class ResponseSchemasTest {

    record Place(String city, @Nullable String street) {
    }

    record Club(@NotBlank String name, @Nullable String motto, Place place, List<Place> others, int size) {
    }

    record Summary(String title, @Nullable Place place) {
    }

    private static final String CLUB = "ResponseSchemasTestClub";
    private static final String PLACE = "ResponseSchemasTestPlace";
    private static final String SUMMARY = "ResponseSchemasTestSummary";

    @Test
    void aResponseRequiresEveryPropertyNotNullableAndARecordOnBothSidesIsSplit() {
        ModelConverters converters = new ModelConverters();
        converters.addConverter(new SchemaNames.Resolver());
        Map<String, Schema> schemas = new java.util.TreeMap<>(converters.readAll(new AnnotatedType(Club.class)));
        schemas.putAll(converters.readAll(new AnnotatedType(Summary.class)));
        Operation create = new Operation()
                .requestBody(new RequestBody().content(json(CLUB)))
                .responses(new ApiResponses().addApiResponse("201", new ApiResponse().content(json(CLUB))));
        Operation summary = new Operation()
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().content(json(SUMMARY))));
        OpenAPI api = new OpenAPI().components(new Components().schemas(schemas))
                .paths(new Paths().addPathItem("/clubs", new PathItem().post(create)).addPathItem("/summary", new PathItem().get(summary)));

        ResponseSchemas.apply(api);

        Map<String, Schema> after = api.getComponents().getSchemas();
        assertThat(after).containsKeys(CLUB, CLUB + "Input", PLACE, PLACE + "Input", SUMMARY).doesNotContainKey(SUMMARY + "Input");
        Schema<?> club = after.get(CLUB);
        assertThat(club.getRequired()).containsExactlyInAnyOrder("name", "place", "others", "size");
        assertThat(property(club, "motto").getNullable()).isTrue();
        assertThat(property(club, "name").getNullable()).isNull();
        assertThat(property(club, "place").get$ref()).as("a required $ref is no longer wrapped as nullable")
                .isEqualTo("#/components/schemas/" + PLACE);
        assertThat(after.get(PLACE).getRequired()).containsExactly("city");
        assertThat(property(after.get(PLACE), "street").getNullable()).isTrue();
        assertThat(after.get(SUMMARY).getRequired()).containsExactly("title");
        assertThat(property(after.get(SUMMARY), "place").getAllOf()).as("a nullable $ref").hasSize(1);
        assertThat(property(after.get(SUMMARY), "place").getNullable()).isTrue();

        Schema<?> input = after.get(CLUB + "Input");
        assertThat(input.getRequired()).as("the request keeps Bean Validation's required").containsExactly("name");
        assertThat(property(input, "motto").getNullable()).isTrue();
        assertThat(property(input, "place").getAllOf().get(0).get$ref()).isEqualTo("#/components/schemas/" + PLACE + "Input");
        assertThat(property(input, "others").getItems().get$ref()).isEqualTo("#/components/schemas/" + PLACE + "Input");
        assertThat(after.get(PLACE + "Input").getRequired()).isNull();
        assertThat(create.getRequestBody().getContent().get("application/json").getSchema().get$ref())
                .isEqualTo("#/components/schemas/" + CLUB + "Input");
        assertThat(create.getResponses().get("201").getContent().get("application/json").getSchema().get$ref())
                .isEqualTo("#/components/schemas/" + CLUB);
    }

    private static Schema<?> property(Schema<?> schema, String name) {
        return (Schema<?>) schema.getProperties().get(name);
    }

    private static Content json(String name) {
        return new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + name)));
    }
}
