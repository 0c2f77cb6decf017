package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(StoreKind.class)
class HistoryWriterTest {
  @Parameter StoreKind kind;

  @TempDir Path dir;

  @Test
  void runsWritesInOrderOnOnePlatformThreadAndDrainsOnClose() throws Exception {
    try (var store = kind.open(dir)) {
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
      var writer = new HistoryWriter(store, 4);
      var futures = new ArrayList<CompletableFuture<Void>>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        futures.add(writer.submit(s -> {
          order.add(n);
          threads.add(Thread.currentThread());
        }));
      }
      futures.add(writer.submit(s -> s.upsertTarget(new TargetRecord("t", true, Optional.of(Instant.EPOCH), "17", 0, Optional.empty()))));
      writer.close();
      assertThat(futures).allMatch(CompletableFuture::isDone);
      assertThat(order).isSorted().hasSize(50);
      assertThat(threads).allMatch(t -> !t.isVirtual() && t.getName().equals("history-writer"));
      assertThat(store.targets()).hasSize(1);
      assertThat(writer.submit(s -> {})).isCompletedExceptionally();
    }
  }

  @Test
  void aFailingWriteFailsItsFutureOnly() throws Exception {
    try (var store = kind.open(dir);
        var writer = new HistoryWriter(store, 8)) {
      var bad = writer.submit(s -> {
        throw new IllegalStateException("boom");
      });
      var good = writer.submit(s -> {});
      assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
      good.get();
    }
  }

  @Test
  void virtualThreadsBlockWhenTheQueueIsFull() throws Exception {
    try (var store = kind.open(dir);
        var writer = new HistoryWriter(store, 1);
        var pollers = Executors.newVirtualThreadPerTaskExecutor()) {
      var gate = new CountDownLatch(1);
      writer.submit(s -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      var results = new ArrayList<java.util.concurrent.Future<CompletableFuture<Void>>>();
      for (int i = 0; i < 5; i++) {
        results.add(pollers.submit(() -> writer.submit(s -> {})));
      }
      org.awaitility.Awaitility.await().until(() -> writer.queued() == 1);
      gate.countDown();
      for (var r : results) {
        r.get().get();
      }
    }
  }
}
