package org.sego.api.storage;

import java.util.SplittableRandom;
import org.sego.api.Experimental;

/**
 * Chooses what survives a power failure of a volume's unflushed writes: for each pending write, a
 * bitmask of its atomic units that reach the medium (all ones: kept whole; 0: lost; else torn).
 */
@Experimental("used by crash consistency")
@FunctionalInterface
public interface PowerFailure {
  long survivingUnits(IoRecord pendingWrite, int unitsPerBlock);

  static long all(int units) {
    return units >= 64 ? -1L : (1L << units) - 1;
  }

  static PowerFailure loseAll() {
    return (w, units) -> 0L;
  }

  static PowerFailure keepAll() {
    return (w, units) -> all(units);
  }

  /** Each write kept, lost or torn at random from {@code random}. */
  static PowerFailure random(SplittableRandom random) {
    return (w, units) -> {
      int choice = random.nextInt(3);
      if (choice == 0) {
        return 0L;
      }
      if (choice == 1) {
        return all(units);
      }
      return random.nextLong() & all(units);
    };
  }
}
