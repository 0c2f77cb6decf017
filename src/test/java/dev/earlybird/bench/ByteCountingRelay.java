package dev.earlybird.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay that forwards every connection to one PostgreSQL port and counts the bytes each way,
 * so the bench measures what a poll costs on the wire (protocol framing included) without a packet capture.
 *
 * <p>Bytes are counted <em>before</em> they are forwarded: when a JDBC call returns, the reply it read has
 * already been counted, so sampling the totals right before and after a call gives that call's traffic
 * exactly. Give each measured client its own relay to attribute traffic.
 */
final class ByteCountingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicLong toServer = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  ByteCountingRelay(String name, int targetPort) throws IOException {
    this.targetPort = targetPort;
    // Loopback only, ephemeral port: nothing outside this machine can reach the relay.
    this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().name("relay-" + name + "-accept").daemon(true).start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Client to server bytes so far, all connections. */
  long toServer() {
    return toServer.get();
  }

  /** Server to client bytes so far, all connections. */
  long toClient() {
    return toClient.get();
  }

  long total() {
    return toServer.get() + toClient.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      for (Socket s : List.of(client, server)) {
        try {
          s.setTcpNoDelay(true);
        } catch (IOException ignored) {
          // only latency; the relay still works
        }
        sockets.add(s);
      }
      threads.add(pump("up", client, server, toServer));
      threads.add(pump("down", server, client, toClient));
    }
  }

  private Thread pump(String dir, Socket from, Socket to, AtomicLong counter) {
    return Thread.ofPlatform()
        .name("relay-" + dir + "-" + from.getPort())
        .daemon(true)
        .start(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  counter.addAndGet(n);
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // peer closed or relay closing: tear down both sides below
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
    sockets.forEach(ByteCountingRelay::closeQuietly);
    try {
      acceptor.join(2_000);
      for (Thread t : threads) {
        t.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // tearing down
    }
  }
}
