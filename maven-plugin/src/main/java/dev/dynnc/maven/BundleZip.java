package dev.dynnc.maven;

import dev.dynnc.compiler.AtomicFiles;
import dev.dynnc.runtime.BundleSignature;
import dev.dynnc.runtime.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a bundle directory into one zip, the form a bundle takes as a class-path resource. Entries
 * are sorted and dated 1980-01-01, so the same bundle gives the same bytes (reproducible jars), and
 * the zip is written beside its destination and renamed into place, so a failed write leaves the
 * previous zip or none. The zip holds what runs the bundle: its manifest (and signature) and the
 * files the manifest lists to run it; the inspection files ({@link Manifest#INSPECTION_DIRS}) stay
 * in the build directory unless asked for.
 */
final class BundleZip {
  private static final FileTime EPOCH = FileTime.fromMillis(315532800000L);

  private BundleZip() {}

  static void write(Path bundleDir, Path zip, boolean includeInspection) throws IOException {
    Files.createDirectories(zip.getParent());
    Set<String> runs = new HashSet<>(Manifest.read(bundleDir).files().keySet());
    runs.addAll(BundleSignature.UNLISTED);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(bundleDir)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(f -> includeInspection || runs.contains(rel(bundleDir, f)))
              .sorted()
              .toList();
    }
    AtomicFiles.write(
        zip,
        out -> {
          try (ZipOutputStream z = new ZipOutputStream(out)) {
            // The smallest deflate: a few hundred bytes per bundle, for milliseconds at build time.
            z.setLevel(Deflater.BEST_COMPRESSION);
            for (Path f : files) {
              ZipEntry e = new ZipEntry(rel(bundleDir, f));
              e.setLastModifiedTime(EPOCH);
              z.putNextEntry(e);
              Files.copy(f, z);
              z.closeEntry();
            }
          }
        });
  }

  private static String rel(Path dir, Path f) {
    return dir.relativize(f).toString().replace('\\', '/');
  }
}
