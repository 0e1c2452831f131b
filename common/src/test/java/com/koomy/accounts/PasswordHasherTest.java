package com.koomy.accounts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void verifiesOnlyTheRightPasswordAndSaltsEveryHash() {
        String hash = hasher.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
        assertThat(hasher.verify("correct horse battery stapl", hash)).isFalse();
        assertThat(hasher.hash("correct horse battery staple")).isNotEqualTo(hash);
        assertThat(hasher.verify("x", "$2a$12$not-an-argon2-hash")).isFalse();
    }

    @Test
    void olderParametersStillVerifyAndAskForARehash() {
        String weak = new PasswordHasher(4096, 1, 1).hash("pw-of-an-old-account");
        assertThat(hasher.verify("pw-of-an-old-account", weak)).isTrue();
        assertThat(hasher.needsRehash(weak)).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("new"))).isFalse();
    }
}
