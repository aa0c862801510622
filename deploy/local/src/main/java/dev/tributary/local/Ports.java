package dev.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Small helpers to choose TCP ports on the loopback interface. */
final class Ports {

  private Ports() {}

  /** A port that was free a moment ago (bind to 0, read the port, close). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on the loopback interface", e);
    }
  }

  /** True if nothing listens on {@code port} on the loopback interface right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code preferred} if it is free right now, otherwise any free port. */
  static int preferredOrFree(int preferred) {
    return isFree(preferred) ? preferred : freePort();
  }
}
