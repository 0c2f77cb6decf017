package dev.earlybird.source.aws;

import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.source.SourceException;
import java.util.List;
import java.util.Optional;

/**
 * What one {@link CloudWatchRequest} got: its datapoints, or the failure that makes it worth reading again
 * next round (then the samples are empty: a window is stored whole or not at all).
 *
 * @param throttled throttled attempts of the calls that carried this target's queries (counted once per target
 *     and call, although one call carries many targets)
 */
public record CloudWatchResult(
    CloudWatchRequest request, List<CloudWatchSample> samples, Optional<SourceException> failure, int throttled) {
  public CloudWatchResult {
    samples = List.copyOf(samples);
    if (failure.isPresent() && !samples.isEmpty()) {
      throw new IllegalArgumentException("a failed CloudWatch read has no samples");
    }
  }
}
