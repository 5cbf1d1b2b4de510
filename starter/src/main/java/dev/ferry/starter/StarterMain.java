package dev.ferry.starter;

/** The {@code ferry} command line: {@code run}, {@code status}, {@code result}, ... */
public final class StarterMain {

  private StarterMain() {}

  public static void main(String[] args) {
    FerryCli cli = new FerryCli(() -> TemporalConnection.client(System.getenv()));
    System.exit(cli.run(args, System.out, System.err));
  }
}
