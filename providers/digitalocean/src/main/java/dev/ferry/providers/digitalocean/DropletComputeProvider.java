package dev.ferry.providers.digitalocean;

import com.myjeeva.digitalocean.pojo.Droplet;
import com.myjeeva.digitalocean.pojo.Image;
import com.myjeeva.digitalocean.pojo.Region;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each external worker as a container on a throw-away droplet made from a Docker-ready image:
 * cloud-init runs the worker image and powers the droplet off at its lease, a hard lifetime that
 * holds even if Ferry is gone. The droplet carries Ferry's labels as tags (see {@link DropletTags})
 * and is found again by name among the droplets tagged as managed.
 *
 * <p>Thread-safe: no state beyond the client. Droplet names are not unique, so a provision that
 * raced another for the same name keeps the oldest droplet and deletes the rest.
 */
public final class DropletComputeProvider implements ComputeProvider {

  public static final String ID = "do-droplet";
  static final String MANAGED_TAG = DropletTags.tag(Labels.MANAGED, "true");
  private static final Logger log = LoggerFactory.getLogger(DropletComputeProvider.class);

  private final DropletsClient droplets;
  private final DropletSettings settings;
  private final Duration removalConfirmation;

  DropletComputeProvider(
      DropletsClient droplets, DropletSettings settings, Duration removalConfirmation) {
    this.droplets = droplets;
    this.settings = settings;
    this.removalConfirmation = removalConfirmation;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void validate(ComputeSpec spec) {
    ComputeProvider.requireImage(ID, spec);
    if (spec.region() != null && !DropletSettings.REGIONS.contains(spec.region())) {
      throw new ProviderException.InvalidSpec(
          "compute.region '"
              + spec.region()
              + "' is not a droplet region; DigitalOcean lists "
              + String.join(", ", DropletSettings.REGIONS));
    }
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    validate(request.spec());
    String name = request.name();
    Optional<Droplet> existing = oldestNamed(name);
    if (existing.isPresent()) {
      log.info("adopted droplet {} ({})", name, existing.get().getId());
      return handle(name, existing.get());
    }
    List<String> tags = new ArrayList<>(DropletTags.of(request.labels()));
    if (!tags.contains(MANAGED_TAG)) {
      tags.add(MANAGED_TAG);
    }
    Droplet droplet = new Droplet();
    droplet.setName(name);
    droplet.setRegion(
        new Region(request.spec().region() != null ? request.spec().region() : settings.region()));
    droplet.setSize(settings.size());
    droplet.setImage(new Image(settings.image()));
    droplet.setTags(List.copyOf(tags));
    droplet.setUserData(
        CloudInit.script(
            request.spec().image(),
            request.spec().env(),
            request.leaseExpiresAt(),
            settings.registryCredentials(),
            settings.lockdown()));
    Droplet created = droplets.create(droplet);
    log.info("created droplet {} ({}) for {}", name, created.getId(), request.spec().image());
    return handle(name, keepOldest(name, created));
  }

  /** After a race, the oldest droplet of the name wins; the others are deleted. */
  private Droplet keepOldest(String name, Droplet created) {
    List<Droplet> named = named(name);
    if (named.size() <= 1) {
      return created;
    }
    Droplet oldest = named.get(0);
    for (Droplet extra : named.subList(1, named.size())) {
      log.info(
          "deleting droplet {} ({}), a duplicate made by a racing provision", name, extra.getId());
      droplets.delete(extra.getId());
    }
    return oldest;
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    return find(handle)
        .map(d -> DropletStates.toComputeState(d.getStatus()))
        .orElseGet(ComputeState.Gone::new);
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    Optional<Droplet> found = find(handle);
    if (found.isEmpty()) {
      return TeardownReceipt.alreadyGone(handle, Instant.now());
    }
    Droplet droplet = found.get();
    List<String> tail =
        List.of(
            "last droplet status: " + droplet.getStatus(),
            "(a droplet's output is not readable through DigitalOcean's API)");
    droplets.delete(droplet.getId());
    awaitRemoval(handle.name(), droplet.getId());
    log.info("deleted droplet {} ({})", handle.name(), droplet.getId());
    return new TeardownReceipt(
        ID, handle.name(), String.valueOf(droplet.getId()), true, null, tail, Instant.now());
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    List<String> wanted = DropletTags.of(selector.labels());
    String query = wanted.contains(MANAGED_TAG) || wanted.isEmpty() ? MANAGED_TAG : wanted.get(0);
    return droplets.listByTag(query).stream()
        .filter(d -> d.getTags() != null && d.getTags().containsAll(wanted))
        .map(d -> new LabelledResource(handle(d.getName(), d), DropletTags.labels(d.getTags())))
        .toList();
  }

  private Optional<Droplet> find(ComputeHandle handle) {
    if (handle.resourceId() != null) {
      try {
        return droplets.get(Integer.parseInt(handle.resourceId()));
      } catch (NumberFormatException e) {
        throw new ProviderException.InvalidSpec(
            "'" + handle.resourceId() + "' is not a droplet id", e);
      }
    }
    return oldestNamed(handle.name());
  }

  private Optional<Droplet> oldestNamed(String name) {
    return named(name).stream().findFirst();
  }

  private List<Droplet> named(String name) {
    return droplets.listByTag(MANAGED_TAG).stream()
        .filter(d -> name.equals(d.getName()))
        .sorted(Comparator.comparing(Droplet::getId))
        .toList();
  }

  private void awaitRemoval(String name, int id) {
    Instant deadline = Instant.now().plus(removalConfirmation);
    while (droplets.get(id).isPresent()) {
      if (Instant.now().isAfter(deadline)) {
        throw new ProviderException.Unavailable(
            "droplet " + name + " still exists " + removalConfirmation + " after deletion", null);
      }
      try {
        Thread.sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderException.Unavailable("interrupted while deleting " + name, e);
      }
    }
  }

  private static ComputeHandle handle(String name, Droplet droplet) {
    return new ComputeHandle(ID, name, String.valueOf(droplet.getId()));
  }
}
