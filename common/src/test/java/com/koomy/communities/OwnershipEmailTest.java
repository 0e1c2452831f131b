package com.koomy.communities;

import com.koomy.email.EmailRenderer;
import com.koomy.email.EmailTemplate;
import com.koomy.email.RenderedEmail;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ownership_transferred email (issue 21): one template, worded for each side, in French and English. */
class OwnershipEmailTest {

    private final EmailRenderer renderer = new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test"));

    private RenderedEmail render(String locale, boolean received, boolean kept) {
        return renderer.render(EmailTemplate.OWNERSHIP_TRANSFERRED, locale, Map.of("communityName", "Chorale d'Évry",
                "fromName", "Olga", "toName", "Marc", "received", received, "keptOwnership", kept));
    }

    @Test
    void eachSideReadsItsOwnMessageInItsLanguage() {
        assertThat(render("fr", true, false).subject()).isEqualTo("Vous êtes maintenant propriétaire de Chorale d'Évry");
        assertThat(render("fr", false, false).subject()).isEqualTo("Vous avez transmis Chorale d'Évry à Marc");
        assertThat(render("fr", false, false).text()).contains("Vous en restez administrateur.");
        assertThat(render("fr", false, true).text()).contains("Vous en restez copropriétaire.");
        assertThat(render("en", true, false).subject()).isEqualTo("You now own Chorale d'Évry");
        assertThat(render("en", true, false).text()).contains("Olga handed Chorale d'Évry over to you on Koomy.")
                .doesNotContain("You remain");
        assertThat(render("en", false, true).html()).contains("You remain a co-owner.").contains("<strong>Chorale d&#39;Évry</strong>");
    }
}
