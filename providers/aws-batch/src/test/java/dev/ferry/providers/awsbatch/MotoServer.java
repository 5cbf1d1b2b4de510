package dev.ferry.providers.awsbatch;

import dev.ferry.providers.Infrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentOrder;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * moto in server mode, the AWS Batch emulator the tests run against: it runs each job as a
 * container of a local image on the Docker engine. One server per test JVM, on a free loopback
 * port, with a role, an unmanaged compute environment and a job queue made through the SDK; stopped
 * when the JVM exits.
 *
 * <p>moto_server comes from {@code FERRY_MOTO_SERVER}, else the project-local virtualenv {@code
 * ~/.cache/ferry/moto} (made with {@code python3 -m venv} and {@code pip install moto[server]} when
 * missing, as .ci/run does).
 */
public final class MotoServer {

  public static final String REGION = "us-east-1";
  public static final String QUEUE = "ferry-test-queue";
  public static final String BASE_IMAGE = "ferry-jre-base:local";
  static final String MOTO_SPEC = "moto[server]>=5.2,<5.3";

  private static MotoServer instance;
  private static String missing;

  private final Process process;
  private final URI endpoint;
  private final Path dockerConfig;

  private MotoServer(Process process, URI endpoint, Path dockerConfig) {
    this.dockerConfig = dockerConfig;
    this.process = process;
    this.endpoint = endpoint;
  }

  /**
   * The shared server; skips (or fails, when infrastructure is required) without moto or Docker.
   */
  public static synchronized MotoServer get() {
    if (instance == null && missing == null) {
      try {
        instance = start();
      } catch (MissingInfrastructure e) {
        missing = e.getMessage();
      }
    }
    Infrastructure.require(String.valueOf(missing), missing == null);
    return instance;
  }

  /** The endpoint every AWS client of the tests talks to. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The Docker config directory ({@code DOCKER_CONFIG}) moto's engine client reads registry logins
   * from when it pulls a job's image; it holds none until a test writes a {@code config.json}.
   */
  public Path dockerConfig() {
    return dockerConfig;
  }

  /** The environment that points Ferry's aws-batch provider at this server. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL_BATCH", endpoint.toString());
    env.put("AWS_ENDPOINT_URL_LOGS", endpoint.toString());
    env.put("FERRY_BATCH_JOB_QUEUE", QUEUE);
    return env;
  }

  /** A Batch client for looking behind the provider's back. */
  public BatchClient batch() {
    return BatchClient.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new WholeNumbers()))
        .build();
  }

  /** Builds {@code tag} from a Dockerfile on the local base image (no registry is reachable). */
  public static void buildImage(String tag, String dockerfile, Path context) {
    requireBaseImage();
    run(
        List.of(
            "docker", "build", "--network", "none", "-q", "-t", tag, "-f", "-", context.toString()),
        dockerfile,
        Duration.ofMinutes(5),
        "building image " + tag);
  }

  private static MotoServer start() throws MissingInfrastructure {
    if (!docker()) {
      throw new MissingInfrastructure("a Docker engine (docker info failed) for moto's Batch jobs");
    }
    Path server = motoServer();
    int port = freePort();
    Path log = Path.of("target", "moto-server.log").toAbsolutePath();
    Process process;
    Path dockerConfig;
    try {
      Files.createDirectories(log.getParent());
      dockerConfig = Files.createTempDirectory("ferry-moto-docker-config");
      ProcessBuilder builder =
          new ProcessBuilder(server.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // The engine here has no bridge network: job containers share the host's.
      builder.environment().put("MOTO_DOCKER_NETWORK_MODE", "host");
      builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
      builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
      builder.environment().put("AWS_DEFAULT_REGION", REGION);
      // Where its docker client finds logins for a job image it must pull (none by default).
      builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
      process = builder.start();
    } catch (IOException e) {
      throw new MissingInfrastructure("moto_server at " + server + " (" + e.getMessage() + ")");
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    MotoServer moto = new MotoServer(process, endpoint, dockerConfig);
    Runtime.getRuntime().addShutdownHook(new Thread(moto::shutDown));
    awaitUp(process, endpoint, log);
    moto.createQueue();
    return moto;
  }

  /**
   * Ends every job still live, so that moto removes their containers, then stops moto: containers
   * of jobs moto still runs when it stops would be left behind.
   */
  private void shutDown() {
    try (BatchClient batch = batch()) {
      Instant deadline = Instant.now().plusSeconds(30);
      List<String> live = liveJobs(batch);
      live.forEach(id -> batch.terminateJob(r -> r.jobId(id).reason("test JVM exiting")));
      while (!live.isEmpty() && Instant.now().isBefore(deadline)) {
        sleep(Duration.ofMillis(500));
        live = liveJobs(batch);
      }
      // moto removes a job's container just after marking the job ended.
      sleep(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      System.err.println("could not end moto's jobs: " + e);
    }
    stop(process);
    try {
      Files.deleteIfExists(dockerConfig.resolve("config.json"));
      Files.deleteIfExists(dockerConfig);
    } catch (IOException e) {
      System.err.println("could not remove " + dockerConfig + ": " + e);
    }
  }

  /** moto's ListJobs without a filter returns jobs in every status. */
  private static List<String> liveJobs(BatchClient batch) {
    return batch.listJobs(r -> r.jobQueue(QUEUE)).jobSummaryList().stream()
        .filter(s -> !BatchStates.isFinal(s.status()))
        .map(s -> s.jobId())
        .toList();
  }

  private void createQueue() {
    try (IamClient iam =
            IamClient.builder()
                .region(Region.AWS_GLOBAL)
                .endpointOverride(endpoint)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        BatchClient batch = batch()) {
      String role =
          iam.createRole(
                  r ->
                      r.roleName("ferry-batch-service")
                          .assumeRolePolicyDocument(
                              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                  + "\"Principal\":{\"Service\":\"batch.amazonaws.com\"},"
                                  + "\"Action\":\"sts:AssumeRole\"}]}"))
              .role()
              .arn();
      String environment =
          batch
              .createComputeEnvironment(
                  r ->
                      r.computeEnvironmentName("ferry-test-env")
                          .type(CEType.UNMANAGED)
                          .state(CEState.ENABLED)
                          .serviceRole(role))
              .computeEnvironmentArn();
      batch.createJobQueue(
          r ->
              r.jobQueueName(QUEUE)
                  .state(JQState.ENABLED)
                  .priority(1)
                  .computeEnvironmentOrder(
                      ComputeEnvironmentOrder.builder()
                          .order(1)
                          .computeEnvironment(environment)
                          .build()));
    }
  }

  private static void awaitUp(Process process, URI endpoint, Path log)
      throws MissingInfrastructure {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new MissingInfrastructure("moto_server, which exited at once (see " + log + ")");
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sleep(Duration.ofMillis(200));
    }
    stop(process);
    throw new MissingInfrastructure("moto_server answering on " + endpoint + " (see " + log + ")");
  }

  /** FERRY_MOTO_SERVER, else the project-local virtualenv, made when python3 is there. */
  private static Path motoServer() throws MissingInfrastructure {
    String configured = System.getenv("FERRY_MOTO_SERVER");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new MissingInfrastructure("FERRY_MOTO_SERVER=" + configured + " (not executable)");
      }
      return path;
    }
    Path venv = Path.of(System.getProperty("user.home"), ".cache", "ferry", "moto");
    Path server = venv.resolve("bin").resolve("moto_server");
    if (Files.isExecutable(server)) {
      return server;
    }
    try {
      run(List.of("python3", "-m", "venv", venv.toString()), null, Duration.ofMinutes(2), "venv");
      run(
          List.of(venv.resolve("bin").resolve("pip").toString(), "install", "-q", MOTO_SPEC),
          null,
          Duration.ofMinutes(10),
          "installing " + MOTO_SPEC);
    } catch (IllegalStateException e) {
      throw new MissingInfrastructure(
          "moto (set FERRY_MOTO_SERVER, or have python3 to install "
              + MOTO_SPEC
              + "): "
              + e.getMessage());
    }
    if (!Files.isExecutable(server)) {
      throw new MissingInfrastructure("moto_server at " + server + " after installing it");
    }
    return server;
  }

  private static boolean docker() {
    try {
      run(List.of("docker", "info"), null, Duration.ofSeconds(30), "docker info");
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static void requireBaseImage() {
    try {
      run(List.of("docker", "image", "inspect", BASE_IMAGE), null, Duration.ofSeconds(30), "x");
      return;
    } catch (IllegalStateException e) {
      // Built below.
    }
    Path script = repositoryRoot().resolve(".ci").resolve("base-image");
    try {
      run(List.of(script.toString(), BASE_IMAGE), null, Duration.ofMinutes(5), "base image");
    } catch (IllegalStateException e) {
      Infrastructure.require("the base image " + BASE_IMAGE + " (" + e.getMessage() + ")", false);
    }
  }

  /** The directory holding mvnw, found upwards from the working directory. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Runs a command to its end; its output, on failure, is in the exception. */
  static String run(List<String> command, String stdin, Duration timeout, String what) {
    try {
      Path output = Files.createTempFile("ferry-cmd", ".log");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try (var in = process.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(what + " took longer than " + timeout);
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              what + " failed (exit " + process.exitValue() + "): " + text.strip());
        }
        return text;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Something the tests need is not on this machine. */
  private static final class MissingInfrastructure extends Exception {
    MissingInfrastructure(String message) {
      super(message);
    }
  }
}
