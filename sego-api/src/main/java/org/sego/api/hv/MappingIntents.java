package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * The hypervisor's registry of mapping intents: a HAP declares which object and offset a virtual
 * page of its own should hold, and a strategy checks the kernel's mappings against it. Shared by
 * the strategies that need it ({@code sego}, {@code inktag}); a host object.
 */
@Experimental("used by the strategies")
public interface MappingIntents {
  /** An intent, with the token the hypervisor issued for it. */
  record Intent(int owner, long gvaPage, long objectId, long offset, long token) {}

  /** Records (or replaces) the intent for {@code owner}'s page {@code gvaPage}; returns it. */
  Intent declare(int owner, long gvaPage, long objectId, long offset);

  /** The intent for that page, or {@code null}. */
  Intent lookup(int owner, long gvaPage);

  boolean revoke(int owner, long gvaPage);

  /** Drops every intent of {@code owner} (the process exited). */
  int revokeAll(int owner);

  /** Drops every intent (the guest crashed: its processes are gone, and their pids will be reused). */
  int clear();

  int size();
}
