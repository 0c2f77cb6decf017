package dev.earlybird.container;

import java.lang.reflect.Method;

/**
 * Run in a child JVM with the image's JVM options: prints the DNS cache policy InetAddress really applies, from the
 * JDK's own {@code sun.net.InetAddressCachePolicy} (needs {@code --add-exports java.base/sun.net=ALL-UNNAMED}), as
 * {@code positive=30 negative=5}.
 */
public final class DnsCachePolicyProbe {
  private DnsCachePolicyProbe() {}

  public static void main(String[] args) throws Exception {
    Class<?> policy = Class.forName("sun.net.InetAddressCachePolicy");
    Method positive = policy.getMethod("get");
    Method negative = policy.getMethod("getNegative");
    System.out.println("positive=" + positive.invoke(null) + " negative=" + negative.invoke(null));
  }
}
