package dev.earlybird.web;

/**
 * The agent cannot listen on its address because another process has it. The commands turn it into one line that
 * says how to pick another address; their own words differ ({@code --listen} for the demo, {@code listen:} for run).
 */
public final class AddressInUseException extends RuntimeException {
  private final String address;

  public AddressInUseException(String address, Throwable cause) {
    super("cannot listen on " + address + ": the address is in use by another process", cause);
    this.address = address;
  }

  /** {@code host:port} as configured. */
  public String address() {
    return address;
  }
}
