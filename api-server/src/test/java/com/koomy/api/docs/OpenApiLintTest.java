package com.koomy.api.docs;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.validation.ValidationResult;
import org.openapitools.codegen.validations.oas.OpenApiEvaluator;
import org.openapitools.codegen.validations.oas.RuleConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in document (which OpenApiContractTest proves equal to the served one) passes two linters:
 * openapi-generator's validation with its recommendations (what {@code openapi-generator validate --recommend}
 * runs) with no error and no warning, and Spectral's recommended OpenAPI rules ({@code spectral:oas}) with no
 * error and no warning. Spectral is a Node tool that {@code ops/koomy services} installs ({@code KOOMY_SPECTRAL} or
 * {@code /opt/koomy-tools/spectral}); without it this test fails, it does not skip.
 */
class OpenApiLintTest {

    private static final Path DOCUMENT = Path.of("src/test/resources/openapi/koomy-api.json");

    @Test
    void openApiGeneratorValidatesWithoutWarning() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readLocation(DOCUMENT.toAbsolutePath().toUri().toString(), null, options);
        List<String> problems = new ArrayList<>(parsed.getMessages() == null ? List.of() : parsed.getMessages());
        assertThat(parsed.getOpenAPI()).as("the document parses: " + problems).isNotNull();
        RuleConfiguration rules = new RuleConfiguration();
        rules.setEnableRecommendations(true);
        ValidationResult result = new OpenApiEvaluator(rules).validate(parsed.getOpenAPI());
        result.getErrors().forEach(e -> problems.add("error: " + e.getMessage() + " " + e.getDetails()));
        result.getWarnings().forEach(w -> problems.add("warning: " + w.getMessage() + " " + w.getDetails()));
        assertThat(problems).as("openapi-generator validate --recommend").isEmpty();
    }

    @Test
    void spectralRecommendedRulesReportNoErrorNorWarning() throws IOException, InterruptedException {
        Path spectral = Path.of(System.getenv().getOrDefault("KOOMY_SPECTRAL",
                "/opt/koomy-tools/spectral/node_modules/.bin/spectral"));
        assertThat(Files.isExecutable(spectral))
                .as("Spectral is not installed at " + spectral + ": run ops/koomy services (it installs "
                        + "@stoplight/spectral-cli with npm there), or set KOOMY_SPECTRAL to its spectral")
                .isTrue();
        Process lint = new ProcessBuilder(spectral.toString(), "lint", "--ruleset",
                "src/test/resources/openapi/spectral.yaml", "--fail-severity", "warn", "--format", "text",
                DOCUMENT.toString()).redirectErrorStream(true).start();
        String report = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).as("spectral finished").isTrue();
        assertThat(lint.exitValue()).as("spectral lint (errors and warnings fail):\n" + report).isZero();
    }
}
