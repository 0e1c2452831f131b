package com.koomy.api.docs;

import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.models.OpenAPI;

import java.util.Map;
import java.util.Set;

/**
 * swagger-core's reader, then the rules that need the whole document rather than one operation or one model
 * ({@link ResponseSchemas}: what a response always carries, request and response schemas apart). Named in the
 * document's configuration (OpenApiDocumentResource).
 */
public class ContractReader extends Reader {

    @Override
    public OpenAPI read(Set<Class<?>> classes, Map<String, Object> resources) {
        OpenAPI api = super.read(classes, resources);
        ResponseSchemas.apply(api);
        return api;
    }
}
