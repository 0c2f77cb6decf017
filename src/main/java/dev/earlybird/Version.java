package dev.earlybird;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ("dev" when run from classes). */
public final class Version implements IVersionProvider {
  public static String current() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"earlybird " + current(), "Java " + Runtime.version()};
  }
}
