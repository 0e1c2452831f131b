package com.koomy.api.ops;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.alerts.Alerts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The alert signals as this instance last evaluated them. */
@Access(Access.Who.OPERATOR)
@Path("/api/ops/alerts")
@Tag(name = "ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsAlertsResource {

    private final Alerts alerts;

    public OpsAlertsResource(Alerts alerts) {
        this.alerts = alerts;
    }

    @GET
    @Timed
    @Operation(operationId = "listAlerts", summary = "Every alert: active or not, since when, current value and threshold",
            description = "Always 200 (an active alert is data, not an error); `active` lists the names of the active "
                    + "ones. Evaluated every alerts.evaluateEvery, not on request. Operator only.")
    public AlertList alerts() {
        List<Alerts.AlertState> states = alerts.current();
        return new AlertList(states.stream().filter(Alerts.AlertState::active).map(Alerts.AlertState::name).toList(), states);
    }

    /** {@code active}: the names of the active alerts; {@code alerts}: every alert's state. */
    public record AlertList(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) List<String> active,
                            @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED) List<Alerts.AlertState> alerts) {
    }
}
