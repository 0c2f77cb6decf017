package dev.earlybird.history;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs every write to a {@link HistoryStore} on ONE dedicated platform thread, in submission order. DuckDB
 * calls are JNI and would pin the carriers of the virtual threads the pollers run on; one writer also means
 * writes never conflict. The queue is bounded: when it is full, {@link #submit} blocks (back-pressure on the
 * pollers instead of unbounded memory).
 */
public final class HistoryWriter implements AutoCloseable {
  private record Task(Consumer<HistoryStore> write, CompletableFuture<Void> done) {}

  private static final Task STOP = new Task(s -> {}, new CompletableFuture<>());

  private final HistoryStore store;
  private final BlockingQueue<Task> queue;
  private final Thread thread;
  /** Submitters hold the read side while enqueueing, close() the write side: nothing lands after STOP. */
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private boolean closed;

  public HistoryWriter(HistoryStore store, int capacity) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = Thread.ofPlatform().name("history-writer").daemon(true).start(this::run);
  }

  /** Queues a write; the future completes when it has run (exceptionally if it threw). */
  public CompletableFuture<Void> submit(Consumer<HistoryStore> write) {
    var done = new CompletableFuture<Void>();
    closing.readLock().lock();
    try {
      if (closed) {
        done.completeExceptionally(new IllegalStateException("history writer is closed"));
        return done;
      }
      queue.put(new Task(write, done));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    } finally {
      closing.readLock().unlock();
    }
    return done;
  }

  /** Queues a write that returns a value (a pinned baseline, say); the future completes with it. */
  public <T> CompletableFuture<T> call(Function<HistoryStore, T> write) {
    var result = new CompletableFuture<T>();
    AtomicReference<T> value = new AtomicReference<>();
    submit(s -> value.set(write.apply(s))).whenComplete((ok, failed) -> {
      if (failed != null) {
        result.completeExceptionally(failed);
      } else {
        result.complete(value.get());
      }
    });
    return result;
  }

  public CompletableFuture<Void> recordPoll(PollRecord poll) {
    return submit(s -> s.recordPoll(poll));
  }

  /** Writes waiting to run. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    while (true) {
      Task t;
      try {
        t = queue.take();
      } catch (InterruptedException e) {
        // Only close() may stop the writer; an interrupt from elsewhere is ignored.
        continue;
      }
      if (t == STOP) {
        return;
      }
      try {
        t.write().accept(store);
        t.done().complete(null);
      } catch (Throwable e) {
        t.done().completeExceptionally(e);
      }
    }
  }

  /** Stops accepting writes, runs those already queued, and waits for the thread. Leaves the store open. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.put(STOP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closing.writeLock().unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
