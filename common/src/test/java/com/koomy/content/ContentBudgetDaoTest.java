package com.koomy.content;

import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class ContentBudgetDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @Test
    void concurrentReservationsNeverPassTheRequestBudget() throws Exception {
        Jdbi jdbi = db.jdbi();
        UUID community = UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Optional<LocalDate>>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                runs.add(pool.submit((Callable<Optional<LocalDate>>) () ->
                        jdbi.withExtension(ContentBudgetDao.class, dao -> dao.reserve(community, 5, 1_000))));
            }
            int passed = 0;
            for (Future<Optional<LocalDate>> run : runs) {
                passed += run.get().isPresent() ? 1 : 0;
            }
            assertThat(passed).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        boolean usedUp = jdbi.onDemand(ContentBudgetDao.class).isUsedUp(community, 5, 1_000);
        assertThat(usedUp).isTrue();
    }

    @Test
    void tokensAddedAfterACallCloseTheBudget() {
        Jdbi jdbi = db.jdbi();
        UUID community = UUID.randomUUID();
        ContentBudgetDao budget = jdbi.onDemand(ContentBudgetDao.class);

        LocalDate day = budget.reserve(community, 50, 1_000).orElseThrow();
        budget.addTokens(community, day, 999);
        assertThat(budget.reserve(community, 50, 1_000)).as("one token left: a call may start").isPresent();
        budget.addTokens(community, day, 1);

        assertThat(budget.reserve(community, 50, 1_000)).isEmpty();
        assertThat(budget.isUsedUp(community, 50, 1_000)).isTrue();
        assertThat(budget.isUsedUp(UUID.randomUUID(), 50, 1_000)).isFalse();
    }
}
