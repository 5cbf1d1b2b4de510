package dev.ferry.providers;

import dev.ferry.providers.registry.ImageName;
import dev.ferry.providers.registry.RegistryClient;
import dev.ferry.providers.registry.RegistryCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default image pinning of {@link ComputeProvider#pinImage}. */
final class ImagePinning {

  private static final Logger log = LoggerFactory.getLogger(ImagePinning.class);

  private ImagePinning() {}

  static String pinOrKeep(String image) {
    return pinOrKeep(image, RegistryCredentials.fromEnvironment(System.getenv()));
  }

  /**
   * The registry's digest; the reference as it is when the registry cannot be reached, or when it
   * names no registry (Docker Hub by default) and the Docker config holds no Docker Hub login: such
   * a name is often an image that exists only where the platform runs (moto's engine, a local tag),
   * and the platform's own pull says best what is wrong with it.
   */
  static String pinOrKeep(String image, RegistryCredentials credentials) {
    ImageName name;
    try {
      name = ImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(e.getMessage(), e);
    }
    if (name.pinned()) {
      return image;
    }
    try {
      return new RegistryClient(credentials).pin(image);
    } catch (ProviderException.Unavailable e) {
      log.warn("image {} is not pinned to a digest: {}", image, e.getMessage());
      return image;
    } catch (ProviderException.Auth | ProviderException.InvalidSpec e) {
      if (name.explicitRegistry() || hasLogin(credentials, name)) {
        throw e;
      }
      log.warn(
          "image {} is not pinned to a digest (no Docker Hub login): {}", image, e.getMessage());
      return image;
    }
  }

  private static boolean hasLogin(RegistryCredentials credentials, ImageName name) {
    try {
      return credentials.forImage(name).isPresent();
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
