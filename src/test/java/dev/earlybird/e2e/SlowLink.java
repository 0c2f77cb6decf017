package dev.earlybird.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP relay to one PostgreSQL port that holds back every answer of the server for {@code delay}: a
 * database far away. A poll over it takes at least one delay per round trip, so a test can catch a poll in flight:
 * {@link #nextRequest()} completes when the client sends its next query, whose answer is then still a delay away.
 */
final class SlowLink implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Duration delay;
  private final AtomicReference<CompletableFuture<Void>> nextRequest = new AtomicReference<>(new CompletableFuture<>());
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  SlowLink(int targetPort, Duration delay) throws IOException {
    this.targetPort = targetPort;
    this.delay = delay;
    this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().name("slow-link-accept").daemon(true).start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Completes when the client next sends anything (from now on): the start of a round trip still a delay long. */
  CompletableFuture<Void> nextRequest() {
    var next = new CompletableFuture<Void>();
    nextRequest.set(next);
    return next;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.addAll(List.of(client, server));
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean request) {
    Thread.ofPlatform().daemon(true).start(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (request) {
            nextRequest.get().complete(null);
          } else {
            Thread.sleep(delay); // the latency of the simulated link, not a wait for something
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // a side closed: close the other below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    sockets.forEach(SlowLink::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // tearing down
    }
  }
}
