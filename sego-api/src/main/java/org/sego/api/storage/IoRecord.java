package org.sego.api.storage;

import org.sego.api.Experimental;

/**
 * One entry of a volume's I/O log: a write (with its bytes), a FUA write, or a flush, in issue
 * order. The fault injector builds crash states from these.
 */
@Experimental("used by crash consistency")
public record IoRecord(long seq, Op op, long block, byte[] data) {
  public enum Op {
    WRITE,
    WRITE_FUA,
    FLUSH
  }
}
