package dev.ferry.providers;

import dev.ferry.providers.registry.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default image pinning of {@link ComputeProvider#pinImage}. */
final class ImagePinning {

  private static final Logger log = LoggerFactory.getLogger(ImagePinning.class);

  private ImagePinning() {}

  static String pinOrKeep(String image) {
    try {
      return RegistryClient.fromEnvironment().pin(image);
    } catch (ProviderException.Unavailable e) {
      log.warn(
          "image {} is not pinned to a digest, its registry is unreachable: {}",
          image,
          e.getMessage());
      return image;
    }
  }
}
