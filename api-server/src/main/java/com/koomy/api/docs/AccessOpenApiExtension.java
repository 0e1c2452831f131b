package com.koomy.api.docs;

import com.koomy.api.auth.Access;
import com.koomy.api.auth.AccessGate;
import io.swagger.v3.jaxrs2.ext.AbstractOpenAPIExtension;
import io.swagger.v3.jaxrs2.ext.OpenAPIExtension;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityRequirement;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Publishes each operation's {@link Access} declaration in the OpenAPI document, from the annotation the
 * server enforces: {@code security} (none for {@code anyone}; the session bearer; the session of an
 * operator or the operator token) and {@code x-koomy-access}, the level itself, which the authorization
 * tests read to know what each route must refuse. Loaded by swagger-core through {@code META-INF/services}.
 */
public class AccessOpenApiExtension extends AbstractOpenAPIExtension {

    public static final String SESSION = "session";
    public static final String OPERATOR_TOKEN = "operatorToken";
    public static final String EXTENSION = "x-koomy-access";

    @Override
    public void decorateOperation(Operation operation, Method method, Iterator<OpenAPIExtension> chain) {
        Access.Who who = AccessGate.declared(method);
        if (who != null) {
            operation.addExtension(EXTENSION, who.wireName());
            List<SecurityRequirement> security = new ArrayList<>();
            if (who == Access.Who.OPERATOR) {
                security.add(new SecurityRequirement().addList(OPERATOR_TOKEN));
                security.add(new SecurityRequirement().addList(SESSION));
            } else if (who != Access.Who.ANYONE) {
                security.add(new SecurityRequirement().addList(SESSION));
            }
            operation.setSecurity(security);
        }
        super.decorateOperation(operation, method, chain);
    }
}
