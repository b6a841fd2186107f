package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * The hypervisor's registry of mapping intents: a HAP declares which object and offset a range of
 * its own virtual pages should hold, and a strategy checks the kernel's mappings against it. Shared
 * by the strategies that need it ({@code sego}, {@code inktag}); a host object.
 */
@Experimental("used by the strategies")
public interface MappingIntents {
  /**
   * An intent: {@code owner}'s pages {@code [gva, gva + length)} hold object {@code objectId} (0:
   * anonymous memory) from {@code offset} on, with the token the hypervisor issued for it.
   */
  record Intent(int owner, long gva, long length, long objectId, long offset, long token) {
    /** The object offset page {@code gvaPage} of the range should hold. */
    public long offsetOf(long gvaPage) {
      return offset + (gvaPage - gva);
    }
  }

  /**
   * Records the intent for {@code owner}'s page-aligned range; the parts of earlier intents it
   * overlaps are replaced (what lies outside it stays).
   *
   * @throws IllegalArgumentException naming the value when the range is empty or not page-aligned
   */
  Intent declare(int owner, long gva, long length, long objectId, long offset);

  /** The intent covering {@code owner}'s page {@code gvaPage}, or {@code null}. */
  Intent lookup(int owner, long gvaPage);

  /** Drops {@code owner}'s intents over {@code [gva, gva + length)} (page-aligned); false if none was there. */
  boolean revoke(int owner, long gva, long length);

  /** Drops every intent of {@code owner} (the process exited). */
  int revokeAll(int owner);

  /** Drops every intent (the guest crashed: its processes are gone, and their pids will be reused). */
  int clear();

  int size();
}
