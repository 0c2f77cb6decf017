package dev.earlybird.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a chosen loopback address and port to a local server: lets a test give a server the address a DNS
 * name leads to (127.0.0.2, 127.0.0.3, ...: the whole 127/8 is loopback), and cut every connection through it at once,
 * as a failover or a network fault does. It counts the bytes each way, protocol framing included, so a test or bench
 * measures what a read costs on the wire without a packet capture: bytes are counted <em>before</em> they are
 * forwarded, so when a JDBC call returns, the reply it read has been counted, and the totals sampled right before and
 * after a call give that call's traffic exactly (give each measured client a relay of its own).
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong toServer = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();

  /** Listens on {@code address:port} ({@code port} 0 picks one) and forwards to {@code 127.0.0.1:targetPort}. */
  public TcpRelay(String address, int port, int targetPort) {
    this.targetPort = targetPort;
    try {
      listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
    Thread.ofPlatform().daemon().name("relay-" + address).start(this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Loopback, any free port, to {@code 127.0.0.1:targetPort}. */
  public TcpRelay(int targetPort) {
    this("127.0.0.1", 0, targetPort);
  }

  /** Client to server bytes so far, all connections. */
  public long toServer() {
    return toServer.get();
  }

  /** Server to client bytes so far, all connections. */
  public long toClient() {
    return toClient.get();
  }

  /** Bytes both ways so far, all connections. */
  public long total() {
    return toServer.get() + toClient.get();
  }

  /** Closes every connection through the relay; new ones are still accepted. */
  public void cut() {
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        continue; // closed: the loop ends
      }
      try {
        Socket server = new Socket("127.0.0.1", targetPort);
        open.add(client);
        open.add(server);
        // Small messages go out at once, as they would without the relay (no Nagle delay in measured times).
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        pump(client, server, toServer);
        pump(server, client, toClient);
      } catch (IOException e) {
        closeQuietly(client); // the server is down: the client sees its connection close
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicLong counter) {
    Thread.ofPlatform().daemon().start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          counter.addAndGet(n);
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    cut();
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
