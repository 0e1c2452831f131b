package com.koomy.communities;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommunitiesSlugTest {

    @Test
    void slugsAreLowerCaseAsciiWithARandomSuffix() {
        assertThat(Communities.slugOf("Club de Tennis d'Évry")).matches("club-de-tennis-d-evry-[0-9a-f]{6}");
        assertThat(Communities.slugOf("  --Ünïcode!!  ")).matches("unicode-[0-9a-f]{6}");
        assertThat(Communities.slugOf("日本語")).matches("[0-9a-f]{6}");
        assertThat(Communities.slugOf("a".repeat(300))).matches("a{60}-[0-9a-f]{6}");
    }
}
