package dev.earlybird;

public final class Main {
  public static void main(String[] args) {}
}
