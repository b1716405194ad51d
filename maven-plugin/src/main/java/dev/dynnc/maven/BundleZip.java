package dev.dynnc.maven;

import dev.dynnc.compiler.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a bundle directory into one zip, the form a bundle takes as a class-path resource. Entries
 * are sorted and dated 1980-01-01, so the same bundle gives the same bytes (reproducible jars), and
 * the zip is written beside its destination and renamed into place, so a failed write leaves the
 * previous zip or none.
 */
final class BundleZip {
  private static final FileTime EPOCH = FileTime.fromMillis(315532800000L);

  private BundleZip() {}

  static void write(Path bundleDir, Path zip) throws IOException {
    Files.createDirectories(zip.getParent());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(bundleDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    AtomicFiles.write(
        zip,
        out -> {
          try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path f : files) {
              ZipEntry e = new ZipEntry(bundleDir.relativize(f).toString().replace('\\', '/'));
              e.setLastModifiedTime(EPOCH);
              z.putNextEntry(e);
              Files.copy(f, z);
              z.closeEntry();
            }
          }
        });
  }
}
