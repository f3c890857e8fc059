package org.guildpkg.cli;

import org.guildpkg.install.PackageManager;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.store.Store;
import org.guildpkg.transport.ProgressListener;

/** Builds the CLI's {@link PackageManager}: warnings, notes and progress bars on stderr. */
final class MirrorInstall {
  private MirrorInstall() {}

  /** A package manager for the CLI's home, offline flag and terminal. */
  static PackageManager packageManager(GuildCli parent) {
    return new PackageManager(Store.open(parent.home()),
            new Mirrors(parent.home(), parent.offline(), Warnings.to(parent)))
        .downloadProgress(downloadBar(parent))
        .extractProgress(parent.progressBar("extracting"))
        .notes(parent.progressLines());
  }

  /** Draws each download with the store's {@link ProgressBar}, labelled by the file's name. */
  private static ProgressListener downloadBar(GuildCli parent) {
    return new ProgressListener() {
      private org.guildpkg.store.ProgressListener bar = org.guildpkg.store.ProgressListener.NONE;
      private long done;
      private long total;

      @Override
      public void start(String label, long already, long size) {
        bar = parent.progressBar(label.substring(label.lastIndexOf('/') + 1));
        done = already;
        total = size;
      }

      @Override
      public void advance(long bytes) {
        done += bytes;
        if (total > 0) {
          bar.progress(done, total);
        }
      }
    };
  }
}
