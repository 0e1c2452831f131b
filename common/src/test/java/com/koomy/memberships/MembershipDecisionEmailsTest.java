package com.koomy.memberships;

import com.koomy.email.EmailRenderer;
import com.koomy.email.EmailTemplate;
import com.koomy.email.RenderedEmail;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The two emails of a membership decision render in both locales, with and without the admin's message. */
class MembershipDecisionEmailsTest {

    private final EmailRenderer renderer = new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://app.example"));

    private RenderedEmail render(EmailTemplate template, String locale, String message) {
        Map<String, Object> variables = new HashMap<>(Map.of("recipientName", "Ann <Lee>", "communityName", "Club & Co"));
        if (message != null) {
            variables.put("message", message);
        }
        return renderer.render(template, locale, variables);
    }

    @Test
    void approvalAndRefusalRenderInFrenchAndEnglish() {
        RenderedEmail approved = render(EmailTemplate.MEMBERSHIP_APPROVED, "en", "See you <b>Monday</b>");
        assertThat(approved.subject()).isEqualTo("Welcome to Club & Co: your membership is approved");
        assertThat(approved.text()).contains("Hello Ann <Lee>,", "Their message:\nSee you <b>Monday</b>", "https://app.example");
        assertThat(approved.html()).contains("Club &amp; Co", "See you &lt;b&gt;Monday&lt;/b&gt;").doesNotContain("<b>Monday");

        RenderedEmail refused = render(EmailTemplate.MEMBERSHIP_REFUSED, "fr", null);
        assertThat(refused.subject()).isEqualTo("Votre demande d'adhésion à Club & Co");
        assertThat(refused.text()).contains("n'a pas accepté").doesNotContain("Leur message");
        assertThat(refused.html()).doesNotContain("blockquote");

        assertThat(render(EmailTemplate.MEMBERSHIP_APPROVED, "fr", null).subject())
                .isEqualTo("Bienvenue dans Club & Co : votre adhésion est acceptée");
        assertThat(render(EmailTemplate.MEMBERSHIP_REFUSED, "en", "Full this year").text()).contains("Their message:\nFull this year");
        assertThat(EmailTemplate.byId("membership_refused")).contains(EmailTemplate.MEMBERSHIP_REFUSED);
    }
}
