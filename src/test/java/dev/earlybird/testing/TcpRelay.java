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

/**
 * A TCP relay on a chosen loopback address and port to a local server: lets a test give a server the address a DNS
 * name leads to (127.0.0.2, 127.0.0.3, ...: the whole 127/8 is loopback), and cut every connection through it at once,
 * as a failover or a network fault does.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

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
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        closeQuietly(client); // the server is down: the client sees its connection close
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform().daemon().start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
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
