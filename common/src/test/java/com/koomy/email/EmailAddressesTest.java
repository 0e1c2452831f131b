package com.koomy.email;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressesTest {

    @Test
    void everySpellingOfOneAddressHasOneNormalForm() {
        assertThat(EmailAddresses.normalize(" Bob@Example.ORG ")).isEqualTo("bob@example.org");
        assertThat(EmailAddresses.normalize("ｂｏｂ＠ｅｘａｍｐｌｅ．ｏｒｇ")).isEqualTo("bob@example.org");
        assertThat(EmailAddresses.normalize("bob@example.org.")).isEqualTo("bob@example.org");
        assertThat(EmailAddresses.normalize("BOB@EXAMPLE.ORG．")).isEqualTo("bob@example.org");
        assertThat(EmailAddresses.normalize("İlker@example.org")).isEqualTo("i\u0307lker@example.org");
        assertThat(EmailAddresses.normalize("i\u0307lker@example.org")).isEqualTo("i\u0307lker@example.org");
        assertThat(EmailAddresses.normalize("ℌans@example.org")).isEqualTo("hans@example.org");
        assertThat(EmailAddresses.normalize(null)).isNull();
        // Idempotent: the normal form of a normal form is itself.
        for (String s : new String[]{"İlker@example.org", "ｂｏｂ＠ｅｘａｍｐｌｅ．ｏｒｇ.", "ǅemal@example.org", "STRASSE@example.org"}) {
            String once = EmailAddresses.normalize(s);
            assertThat(EmailAddresses.normalize(once)).isEqualTo(once);
        }
    }

    @Test
    void validityIsJudgedOnTheNormalForm() {
        assertThat(EmailAddresses.isValid("dot@example.org.")).isTrue();
        assertThat(EmailAddresses.isValid("ｗｉｄｅ＠ｅｘａｍｐｌｅ．ｏｒｇ")).isTrue();
        assertThat(EmailAddresses.isValid("no-at.example.org")).isFalse();
        assertThat(EmailAddresses.isValid("two@@example.org")).isFalse();
        assertThat(EmailAddresses.isValid("a@b")).isFalse();
    }
}
