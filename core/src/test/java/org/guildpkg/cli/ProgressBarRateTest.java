package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar tells the rate and the time left, measured on a clock the test moves. */
class ProgressBarRateTest {
  @Test
  void theBarShowsRateAndTimeLeftOnceMeasurableAndOnlyTheRateAtTheEnd() {
    StringWriter text = new StringWriter();
    AtomicLong nanos = new AtomicLong();
    ProgressBar bar = ProgressBar.withClock(new PrintWriter(text), "x.pkg.tar.zst", nanos::get);
    long total = 100_000_000L;

    bar.progress(0, total);
    assertThat(text.toString()).doesNotContain("MB/s"); // nothing measured yet
    nanos.set(2_000_000_000L);
    bar.progress(25_000_000L, total); // 25 MB in 2 s: 12.5 MB/s, 75 MB left: 6 s
    assertThat(text.toString()).contains("25.0/100.0 MB, 12.5 MB/s, 0:06 left");
    nanos.set(8_000_000_000L);
    bar.progress(total, total);
    assertThat(text.toString()).contains("100.0/100.0 MB, 12.5 MB/s").doesNotContain("0:00 left");
  }

  @Test
  void aLongTimeLeftHasHours() {
    StringWriter text = new StringWriter();
    AtomicLong nanos = new AtomicLong();
    ProgressBar bar = ProgressBar.withClock(new PrintWriter(text), "big", nanos::get);
    bar.progress(0, 10_000_000_000L);
    nanos.set(100_000_000_000L);
    bar.progress(100_000_000L, 10_000_000_000L); // 1 MB/s, 9,900 MB left: 9,900 s
    assertThat(text.toString()).contains("1.0 MB/s, 2:45:00 left");
  }
}
