package dev.ferry.external;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this process non-dumpable ({@code prctl(PR_SET_DUMPABLE, 0)}), so that the user code a
 * workload runs as the same user cannot read the worker's credentials back from {@code
 * /proc/<pid>/environ} or its memory: Linux then lets only a process with {@code CAP_SYS_PTRACE}
 * open those files, and a worker container has no capabilities at all.
 *
 * <p>Through the Foreign Function API, final since Java 22 and looked up reflectively because Ferry
 * builds for Java 21. On Java 21 or off Linux it does nothing and says so.
 */
final class NonDumpable {

  private static final Logger log = LoggerFactory.getLogger(NonDumpable.class);

  private static final int PR_SET_DUMPABLE = 4;
  private static final int PR_GET_DUMPABLE = 3;

  private NonDumpable() {}

  /**
   * Makes the process non-dumpable.
   *
   * @return whether it now is; false where the platform or the Java version does not allow it
   */
  static boolean apply() {
    Optional<MethodHandle> prctl = prctl();
    if (prctl.isEmpty()) {
      log.warn(
          "cannot make the worker non-dumpable (needs Linux and Java 22+, running {} on {}):"
              + " a workload's own code can read the worker's environment from /proc",
          Runtime.version(),
          System.getProperty("os.name"));
      return false;
    }
    try {
      int set = (int) prctl.get().invokeWithArguments(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
      int now = (int) prctl.get().invokeWithArguments(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L);
      if (set != 0 || now != 0) {
        log.warn("prctl(PR_SET_DUMPABLE, 0) failed: returned {}, dumpable is {}", set, now);
        return false;
      }
      return true;
    } catch (Throwable e) {
      log.warn("prctl(PR_SET_DUMPABLE, 0) failed: {}", e.toString());
      return false;
    }
  }

  /** {@code int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)}. */
  private static Optional<MethodHandle> prctl() {
    if (Runtime.version().feature() < 22
        || !System.getProperty("os.name", "")
            .toLowerCase(java.util.Locale.ROOT)
            .contains("linux")) {
      return Optional.empty();
    }
    try {
      Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
      Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
      Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
      Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
      Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
      Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
      Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");

      Object linker = linkerType.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
      Optional<?> symbol =
          (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "prctl");
      if (symbol.isEmpty()) {
        return Optional.empty();
      }
      Object javaInt = valueLayouts.getField("JAVA_INT").get(null);
      Object javaLong = valueLayouts.getField("JAVA_LONG").get(null);
      Object args = Array.newInstance(layoutType, 5);
      Array.set(args, 0, javaInt);
      for (int i = 1; i < 5; i++) {
        Array.set(args, i, javaLong);
      }
      Object descriptor =
          descriptorType.getMethod("of", layoutType, args.getClass()).invoke(null, javaInt, args);
      // prctl is variadic after its first argument.
      Object options = Array.newInstance(optionType, 1);
      Array.set(options, 0, optionType.getMethod("firstVariadicArg", int.class).invoke(null, 1));
      MethodHandle handle =
          (MethodHandle)
              linkerType
                  .getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                  .invoke(linker, symbol.get(), descriptor, options);
      return Optional.of(handle);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("no Foreign Function API: {}", e.toString());
      return Optional.empty();
    }
  }
}
