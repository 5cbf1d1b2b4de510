package dev.ferry.orchestrator;

/**
 * What a run gets when its compute spec leaves a field unset, and which images it may ask for.
 *
 * @param provider the default provider id ({@code FERRY_PROVIDER})
 * @param image the external-worker image; null when none is configured
 * @param allowedImages the other images a run may name ({@code FERRY_ALLOWED_IMAGES})
 */
record ComputeDefaults(String provider, String image, AllowedImages allowedImages) {

  ComputeDefaults {
    allowedImages = allowedImages == null ? AllowedImages.ONLY_CONFIGURED : allowedImages;
  }

  /** Defaults that allow no image but the configured one. */
  ComputeDefaults(String provider, String image) {
    this(provider, image, AllowedImages.ONLY_CONFIGURED);
  }
}
