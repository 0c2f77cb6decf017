package dev.earlybird.cli;

import dev.earlybird.web.Api;
import dev.earlybird.web.BaselineJson;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code report} and {@code baseline} get the history from: the store file itself, or, while the agent
 * holds it, the agent's HTTP API. Both answer with the API's JSON records, so every output format looks the
 * same whichever answered.
 */
public interface ReportSource extends AutoCloseable {
  Api.HotQueriesJson hotQueries(ReportQuery query) throws ReportFailure;

  BaselineJson.Comparison compare(String baseline, ReportQuery query) throws ReportFailure;

  List<BaselineJson.Baseline> baselines() throws ReportFailure;

  BaselineJson.Baseline pin(String name, Optional<String> target, Instant from, Instant to) throws ReportFailure;

  void delete(String name) throws ReportFailure;

  @Override
  void close();
}
