package dev.ferry.providers.docker;

import com.github.dockerjava.api.async.ResultCallbackTemplate;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a streaming docker-java call (a pull, a log read) with a deadline, and closes a call
 * that outlives it: left open, its response stream and the docker-java thread reading it would live
 * on for nobody. docker-java's own timed wait closes the stream it has, but not one that starts
 * after the deadline (the engine had not answered yet: docker-java then reopens the callback).
 */
final class CallbackWaits {

  private static final Logger log = LoggerFactory.getLogger(CallbackWaits.class);

  /**
   * How long a call given up before the engine even answered is watched, to close its stream when
   * the answer comes: longer than any response timeout of the client.
   */
  private static final Duration LATE_START_WATCH = Duration.ofMinutes(10);

  private CallbackWaits() {}

  /**
   * Whether the call completed within {@code timeout}; when it did not, or the wait was
   * interrupted, the call is {@linkplain #abandon abandoned}.
   */
  static boolean awaitOrClose(ResultCallbackTemplate<?, ?> callback, Duration timeout)
      throws InterruptedException {
    boolean done = false;
    try {
      done = callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return done;
    } finally {
      if (!done) {
        abandon(callback);
      }
    }
  }

  /** Closes a call nobody waits for any more, now and, if its stream starts later, then. */
  static void abandon(ResultCallbackTemplate<?, ?> callback) {
    close(callback);
    closeOnLateStart(callback);
  }

  /**
   * A call whose engine had not answered yet has no stream to close; docker-java starts it when the
   * answer comes (and reopens the callback then), so it is closed at that moment.
   */
  private static void closeOnLateStart(ResultCallbackTemplate<?, ?> callback) {
    Thread.ofVirtual()
        .name("docker-late-start-watch")
        .start(
            () -> {
              try {
                if (callback.awaitStarted(LATE_START_WATCH.toMillis(), TimeUnit.MILLISECONDS)) {
                  close(callback);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  private static void close(ResultCallbackTemplate<?, ?> callback) {
    try {
      callback.close();
    } catch (IOException e) {
      // The stream is going away either way; nothing more to do for it.
      log.debug("closing a timed-out Docker stream failed", e);
    }
  }
}
