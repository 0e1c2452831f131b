package com.koomy.db;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysetCursorTest {

    @Test
    void roundTripsAnyNameAsAUrlSafeToken() {
        UUID id = UUID.fromString("0b8e4c6e-6a52-4a7e-9d8c-3f1f3b2d9a11");
        KeysetCursor cursor = new KeysetCursor("chloé d'évry / 100% + more", id);
        String token = cursor.encode();
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(KeysetCursor.decode(token)).isEqualTo(cursor);
        assertThat(KeysetCursor.decode(new KeysetCursor("", id).encode())).isEqualTo(new KeysetCursor("", id));
    }

    @Test
    void noCursorIsTheFirstPageAndAnythingElseIsRefused() {
        assertThat(KeysetCursor.decode(null)).isNull();
        assertThat(KeysetCursor.decode("")).isNull();
        for (String bad : List.of("%%", "bm90LWEtY3Vyc29y", "QUJD", "x".repeat(1001))) {
            assertThatThrownBy(() -> KeysetCursor.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPageKeepsTheExtraRowOutAndPointsAtItsLastItem() {
        Page<String> page = Page.of(List.of("a", "b", "c"), 2, s -> "after-" + s);
        assertThat(page.items()).containsExactly("a", "b");
        assertThat(page.nextCursor()).isEqualTo("after-b");
        assertThat(Page.of(List.of("a", "b"), 2, s -> "after-" + s).nextCursor()).isNull();
    }
}
