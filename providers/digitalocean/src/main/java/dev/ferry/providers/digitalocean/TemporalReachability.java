package dev.ferry.providers.digitalocean;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses a Temporal address that compute on the internet cannot reach: loopback, private,
 * link-local or unspecified addresses, and {@code localhost}. Host names are not resolved (that
 * would query DNS at start-up); a name that resolves to a private address is not caught.
 */
final class TemporalReachability {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private TemporalReachability() {}

  /**
   * Returns when {@code address} can be reachable from the internet.
   *
   * @param variable the variable to set, for the message
   * @param source where the address came from, e.g. {@code TEMPORAL_ADDRESS} when {@code variable}
   *     is unset and the orchestrator falls back to it; null when it came from {@code variable}
   * @throws IllegalArgumentException naming the variable when it cannot be
   */
  static void requirePublic(String variable, String source, String address, String providerId) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException(
          variable
              + " must be set for provider '"
              + providerId
              + "': the Temporal address its compute, on the internet, connects to (e.g. a"
              + " Temporal Cloud endpoint)");
    }
    String host = host(address.strip());
    if (!reachable(host)) {
      String given =
          source == null
              ? variable + "=" + address
              : variable + " is unset, so the compute would use " + source + "=" + address + ";";
      throw new IllegalArgumentException(
          given
              + " a loopback or private address: provider '"
              + providerId
              + "' runs its compute on the internet, which cannot reach it. Set "
              + variable
              + " to an address reachable from the internet (e.g. Temporal Cloud's"
              + " NAMESPACE.ACCOUNT.tmprl.cloud:7233)");
    }
  }

  static boolean reachable(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.endsWith(".local")) {
      return false;
    }
    if (!IPV4.matcher(lower).matches() && !lower.contains(":")) {
      return true;
    }
    InetAddress ip;
    try {
      // A literal: parsed, never looked up.
      ip = InetAddress.getByName(lower);
    } catch (UnknownHostException e) {
      return true;
    }
    byte[] b = ip.getAddress();
    boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
    boolean sharedV4 = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    return !(ip.isLoopbackAddress()
        || ip.isSiteLocalAddress()
        || ip.isLinkLocalAddress()
        || ip.isAnyLocalAddress()
        || uniqueLocalV6
        || sharedV4);
  }

  /** The host of {@code host:port}, {@code [v6]:port}, or a URL. */
  static String host(String address) {
    String rest = address;
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      rest = rest.substring(scheme + 3);
    }
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      rest = rest.substring(0, slash);
    }
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      return close > 0 ? rest.substring(1, close) : rest.substring(1);
    }
    int colon = rest.indexOf(':');
    if (colon >= 0 && rest.indexOf(':', colon + 1) < 0) {
      return rest.substring(0, colon);
    }
    return rest;
  }
}
