package dev.dynnc.compiler;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One subgraph's auto-scheduler tuning ({@code dynnc compile --tune}): what it continues from, what
 * it asks relay_builder.py for, and the report it leaves in the bundle.
 *
 * <p>Rule TUNE-RECORDS: the measurement records of a subgraph are kept in the compile cache under
 * {@link CompileCache#recordsKey}, with a report of the seconds spent on them so far. A compile
 * whose share of the budget those seconds already cover searches no further and builds with the
 * records (or takes that build from the cache: {@link CompileCache#tunedKey}); a larger share
 * continues the search from them for the difference. Without a cache every compile searches for its
 * whole share.
 *
 * <p>The report ({@code relay/sgN.tuning.json} in the bundle) holds the seconds and candidates
 * spent in all, which build was kept and both builds' times as measured on the compiling machine:
 * {@code {"seconds": 40.2, "measured": 96, "kept": "untuned", "untuned_us": 41.0, "tuned_us":
 * 52.3}}.
 */
public final class Tuning {
  /** A search shorter than this is not started: one search round alone takes seconds. */
  static final Duration MIN_SEARCH = Duration.ofSeconds(2);

  /** A bundle's tuning report of subgraph sgN is {@code relay/sgN} followed by this. */
  static final String REPORT_SUFFIX = ".tuning.json";

  private static final Gson GSON = new GsonBuilder().create();

  private final Path records;
  private final Path report;
  private final Path priorRecords;
  private final Path priorReport;
  private final boolean hasPrior;
  private final double priorSeconds;
  private final long priorMeasured;
  private final double searchSeconds;
  private final String libraryKey;
  private Path finalReport;

  private Tuning(
      Path work,
      boolean hasPrior,
      double priorSeconds,
      long priorMeasured,
      double searchSeconds,
      String libraryKey) {
    this.records = work.resolve("records.json");
    this.report = work.resolve("tuning.json");
    this.priorRecords = work.resolve("prior-records.json");
    this.priorReport = work.resolve("prior-tuning.json");
    this.hasPrior = hasPrior;
    this.priorSeconds = priorSeconds;
    this.priorMeasured = priorMeasured;
    this.searchSeconds = searchSeconds;
    this.libraryKey = libraryKey;
    this.finalReport = priorReport;
  }

  /**
   * Looks up the subgraph's earlier records in {@code cache} (when there is one and {@code key},
   * its untuned library's key, is known) and decides how long to search for {@code share}. A
   * corrupt records entry is reported to {@code warn} and tuned again.
   */
  static Tuning prepare(
      Path work, String key, Duration share, CompileCache cache, Consumer<String> warn)
      throws IOException {
    double shareSeconds = share.toMillis() / 1000.0;
    if (cache == null || key == null) {
      return new Tuning(work, false, 0, 0, shareSeconds, null);
    }
    Path records = work.resolve("prior-records.json");
    Path report = work.resolve("prior-tuning.json");
    CompileCache.Lookup found =
        cache.fetch(CompileCache.recordsKey(key), records, report, "rw-------");
    if (found == CompileCache.Lookup.CORRUPT) {
      warn.accept(
          "the tuning records of compile cache entry "
              + key.substring(0, 12)
              + " do not match their hashes; they were removed and the subgraph is tuned again");
    }
    if (found != CompileCache.Lookup.HIT) {
      return new Tuning(work, false, 0, 0, shareSeconds, null);
    }
    JsonObject prior = readReport(report);
    double spent = prior.get("seconds").getAsDouble();
    long measured = prior.get("measured").getAsLong();
    double remaining = shareSeconds - spent;
    if (remaining * 1000 < MIN_SEARCH.toMillis()) {
      return new Tuning(work, true, spent, measured, 0, CompileCache.tunedKey(key, records));
    }
    return new Tuning(work, true, spent, measured, remaining, null);
  }

  /**
   * The cache key of the library this tuning builds when it is known before compiling (the records
   * are complete), else null.
   */
  String libraryKey() {
    return libraryKey;
  }

  /** Adds the {@code tune} object relay_builder.py reads to the compile request. */
  void addToRequest(Path request) throws IOException {
    JsonObject req = JsonParser.parseString(Files.readString(request)).getAsJsonObject();
    JsonObject tune = new JsonObject();
    tune.addProperty("seconds", searchSeconds);
    tune.addProperty("records_in", hasPrior ? priorRecords.toAbsolutePath().toString() : null);
    tune.addProperty("records_out", records.toAbsolutePath().toString());
    tune.addProperty("report", report.toAbsolutePath().toString());
    req.add("tune", tune);
    Files.writeString(request, new GsonBuilder().serializeNulls().create().toJson(req));
  }

  /**
   * After the compile: adds the earlier seconds and candidates to the report, keeps new records in
   * {@code cache}, and returns the cache key of the library just built (null without a key).
   */
  String finish(CompileCache cache, String key, Consumer<String> warn) throws IOException {
    JsonObject r = readReport(report);
    r.addProperty(
        "seconds", Math.round((priorSeconds + r.get("seconds").getAsDouble()) * 10) / 10.0);
    r.addProperty("measured", priorMeasured + r.get("measured").getAsLong());
    Files.writeString(report, GSON.toJson(r));
    finalReport = report;
    if (key == null) {
      return null;
    }
    if (cache != null && searchSeconds > 0) {
      try {
        cache.replace(CompileCache.recordsKey(key), records, report);
      } catch (IOException e) {
        warn.accept("cannot store tuning records in the compile cache: " + e.getMessage());
      }
    }
    return CompileCache.tunedKey(key, records);
  }

  /** Copies the report of the library the bundle got to {@code dest}. */
  void writeReport(Path dest) throws IOException {
    Files.copy(finalReport, dest, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * One line per tuned subgraph of {@code bundle}, in subgraph order, from its tuning reports: what
   * was spent and which build was kept, e.g. {@code sg0: tuned 40.2 s (96 schedules measured); kept
   * the untuned build: 41.0 us against 52.3 us tuned}.
   */
  public static List<String> summaries(Path bundle) throws IOException {
    List<String> lines = new ArrayList<>();
    Path relay = bundle.resolve("relay");
    List<Path> reports;
    try (Stream<Path> s = Files.list(relay)) {
      reports =
          s.filter(f -> f.getFileName().toString().endsWith(REPORT_SUFFIX))
              .sorted(
                  Comparator.comparingInt(
                      f -> Integer.parseInt(f.getFileName().toString().replaceAll("\\D", ""))))
              .toList();
    }
    for (Path f : reports) {
      JsonObject r = readReport(f);
      String name = f.getFileName().toString();
      name = name.substring(0, name.length() - REPORT_SUFFIX.length());
      StringBuilder sb =
          new StringBuilder(name)
              .append(String.format(Locale.ROOT, ": tuned %.1f s", r.get("seconds").getAsDouble()))
              .append(" (")
              .append(r.get("measured").getAsLong())
              .append(" schedules measured); ");
      JsonElement tuned = r.get("tuned_us");
      JsonElement untuned = r.get("untuned_us");
      JsonElement error = r.get("error");
      if (error != null && !error.isJsonNull()) {
        sb.append("tuning failed (").append(error.getAsString()).append("); ");
      }
      if (tuned == null || tuned.isJsonNull() || untuned == null || untuned.isJsonNull()) {
        sb.append("no tuned build; kept the untuned build");
      } else if (r.get("kept").getAsString().equals("tuned")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "kept the tuned build: %.1f us against %.1f us untuned",
                tuned.getAsDouble(),
                untuned.getAsDouble()));
      } else {
        sb.append(
            String.format(
                Locale.ROOT,
                "kept the untuned build: %.1f us against %.1f us tuned",
                untuned.getAsDouble(),
                tuned.getAsDouble()));
      }
      lines.add(sb.toString());
    }
    return lines;
  }

  private static JsonObject readReport(Path p) throws IOException {
    try {
      JsonObject o = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
      if (!o.has("seconds") || !o.has("measured") || !o.has("kept")) {
        throw new IOException("tuning report " + p.getFileName() + " lacks a field");
      }
      return o;
    } catch (JsonParseException | IllegalStateException e) {
      throw new IOException("unreadable tuning report " + p.getFileName() + ": " + e.getMessage());
    }
  }
}
