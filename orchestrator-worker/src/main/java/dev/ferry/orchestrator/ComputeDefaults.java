package dev.ferry.orchestrator;

/**
 * What a run gets when its compute spec leaves a field unset.
 *
 * @param provider the default provider id ({@code FERRY_PROVIDER})
 * @param image the external-worker image; null when none is configured
 */
record ComputeDefaults(String provider, String image) {}
