package dev.ferry.providers.local;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One lock per name, held only while someone uses it: an entry leaves the map when its last user
 * (holder or waiter) is done, so a name's lock never splits in two and the map does not grow with
 * every name ever used.
 */
final class NameLocks {

  private static final class Entry {
    private int users;
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /** Runs {@code action} while holding the lock of {@code name}. */
  <T> T with(String name, Supplier<T> action) {
    Entry entry;
    synchronized (entries) {
      entry = entries.computeIfAbsent(name, key -> new Entry());
      entry.users++;
    }
    try {
      synchronized (entry) {
        return action.get();
      }
    } finally {
      synchronized (entries) {
        if (--entry.users == 0) {
          entries.remove(name);
        }
      }
    }
  }

  /** How many names have a holder or a waiter now. */
  int inUse() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
