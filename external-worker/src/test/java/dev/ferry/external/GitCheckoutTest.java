package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitCheckoutTest {

  private final GitCheckout checkout =
      GitCheckout.fromEnvironment(
          Map.of(
              GitCheckout.TOKEN,
              "tok-1234567890",
              GitCheckout.TOKEN_HOSTS,
              "github.com, git.example.org"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/acme/app.git",
        "https://GitHub.com/acme/app.git",
        "https://git.example.org/acme/app.git"
      })
  void theTokenGoesOverHttpsToItsHosts(String url) throws Exception {
    var credentials = checkout.credentialsFor(url).orElseThrow();
    var password = new CredentialItem.Password();
    assertThat(credentials.get(new URIish(url), new CredentialItem.Username(), password)).isTrue();
    assertThat(new String(password.getValue())).isEqualTo("tok-1234567890");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/acme/app.git",
        "https://github.com.evil.example/acme/app.git",
        "https://api.github.com/acme/app.git",
        "https://github.com@evil.example/acme/app.git",
        "http://github.com/acme/app.git",
        "ssh://git@github.com/acme/app.git",
        "file:///tmp/repo",
        "not a url"
      })
  void theTokenGoesNowhereElse(String url) {
    assertThat(checkout.credentialsFor(url)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void withoutAListTheTokenGoesToGitHubOnly() {
    GitCheckout defaults = GitCheckout.fromEnvironment(Map.of(GitCheckout.TOKEN, "tok-1234567890"));
    assertThat(defaults.credentialsFor("https://github.com/acme/app.git")).isPresent();
    assertThat(defaults.credentialsFor("https://gitlab.com/acme/app.git")).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void withoutATokenThereAreNoCredentials() {
    assertThat(new GitCheckout(null, null).credentialsFor("https://github.com/acme/app.git"))
        .isEmpty();
  }
}
