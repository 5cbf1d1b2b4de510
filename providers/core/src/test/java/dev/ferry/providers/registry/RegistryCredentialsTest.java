package dev.ferry.providers.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {

  @TempDir Path dir;

  private RegistryCredentials config(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
    return RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString()));
  }

  private static String auth(String userColonPassword) {
    return Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheLoginDockerLoginStoredForTheRegistry() throws IOException {
    RegistryCredentials credentials =
        config(
            "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \""
                + auth("user:pa:ss")
                + "\"}, \"ghcr.io\": {\"auth\": \""
                + auth("other:x")
                + "\"}}}");

    assertThat(credentials.forImage(ImageName.parse("127.0.0.1:5000/ferry/worker:1")))
        .contains(new RegistryCredentials.Login("user", "pa:ss"));
    assertThat(credentials.forImage(ImageName.parse("127.0.0.1:5001/ferry/worker:1"))).isEmpty();
  }

  @Test
  void findsDockerHubUnderItsLegacyKeyAndHttpsKeys() throws IOException {
    RegistryCredentials credentials =
        config(
            "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \""
                + auth("hub:t")
                + "\"}, \"https://reg.example\": {\"username\": \"u\", \"password\": \"p\"}}}");

    assertThat(credentials.forImage(ImageName.parse("me/worker")))
        .contains(new RegistryCredentials.Login("hub", "t"));
    assertThat(credentials.forImage(ImageName.parse("reg.example/worker")))
        .contains(new RegistryCredentials.Login("u", "p"));
  }

  /** A credential helper that knows one server, as docker-credential-* helpers answer. */
  private Path helper(String name, String server) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$1\" = get ] || exit 2\n"
            + "read -r server\n"
            + "if [ \"$server\" = '"
            + server
            + "' ]; then echo '{\"ServerURL\":\"'$server'\",\"Username\":\"helped\",\"Secret\":\"tok\"}';"
            + " else echo 'credentials not found in native keychain'; exit 1; fi\n");
    script.toFile().setExecutable(true);
    return bin;
  }

  @Test
  void asksTheCredentialHelperTheConfigNames() throws IOException {
    Path bin = helper("fake", "reg.example");
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\": {\"other.example\": {\"auth\": \""
            + auth("plain:p")
            + "\"}}, \"credsStore\": \"fake\"}");
    RegistryCredentials credentials =
        new RegistryCredentials(dir.resolve("config.json"), List.of(bin));

    assertThat(credentials.forImage(ImageName.parse("reg.example/worker")))
        .contains(new RegistryCredentials.Login("helped", "tok"));
    // The helper has nothing for this one: the auths entry still counts.
    assertThat(credentials.forImage(ImageName.parse("other.example/worker")))
        .contains(new RegistryCredentials.Login("plain", "p"));
  }

  @Test
  void aRegistrysOwnHelperComesBeforeTheStoreAndAMissingHelperIsNamed() throws IOException {
    Path bin = helper("ecr", "123.dkr.ecr.eu-west-1.amazonaws.com");
    Files.writeString(
        dir.resolve("config.json"),
        "{\"credsStore\": \"absent\", \"credHelpers\":"
            + " {\"123.dkr.ecr.eu-west-1.amazonaws.com\": \"ecr\"}}");
    RegistryCredentials credentials =
        new RegistryCredentials(dir.resolve("config.json"), List.of(bin));

    assertThat(credentials.forImage(ImageName.parse("123.dkr.ecr.eu-west-1.amazonaws.com/w:1")))
        .contains(new RegistryCredentials.Login("helped", "tok"));
    assertThatThrownBy(() -> credentials.forImage(ImageName.parse("ghcr.io/o/w")))
        .hasMessageContaining("docker-credential-absent is not on the PATH");
  }

  @Test
  void noConfigFileMeansNoLogin() {
    RegistryCredentials credentials =
        RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString()));

    assertThat(credentials.forImage(ImageName.parse("reg.example/worker"))).isEmpty();
    assertThat(credentials.configFile()).isEqualTo(dir.resolve("config.json"));
  }

  @Test
  void aBrokenEntryIsAnErrorNamingTheFile() throws IOException {
    RegistryCredentials credentials =
        config("{\"auths\": {\"reg.example\": {\"auth\": \"" + auth("no-colon") + "\"}}}");

    assertThatThrownBy(() -> credentials.forImage(ImageName.parse("reg.example/worker")))
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("not user:password");
  }

  @Test
  void theLoginHidesItsPassword() {
    assertThat(new RegistryCredentials.Login("u", "secret").toString()).doesNotContain("secret");
  }
}
