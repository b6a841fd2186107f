package org.sego.core.sim;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;

/**
 * Simulated time per vCPU, by category and principal, as a flat {@code long[]}; charging is an
 * array add. The categories of a vCPU sum to its clock, which {@link #verify} asserts.
 */
public final class CostAccounts {
  private final List<String> categories = new ArrayList<>(CostCategory.BUILT_IN);
  private long[][] accounts;

  CostAccounts(int vcpus) {
    accounts = new long[vcpus][64 * Principal.NAMES.size()];
  }

  /** Registers a category beyond the built-in ones, or returns the id of an existing one. */
  public int register(String name) {
    int i = categories.indexOf(name);
    if (i >= 0) {
      return i;
    }
    if (categories.size() == 64) {
      throw new IllegalStateException("at most 64 cost categories; cannot add " + name);
    }
    categories.add(name);
    return categories.size() - 1;
  }

  public List<String> categories() {
    return List.copyOf(categories);
  }

  void add(int vcpu, int category, int principal, long nanos) {
    accounts[vcpu][category * 3 + principal] += nanos;
  }

  public long get(int vcpu, int category, int principal) {
    return accounts[vcpu][category * 3 + principal];
  }

  public long total(int vcpu) {
    long sum = 0;
    for (long v : accounts[vcpu]) {
      sum += v;
    }
    return sum;
  }

  /** Asserts the categories of each vCPU sum exactly to its clock. */
  void verify(long[] clocks) {
    for (int v = 0; v < clocks.length; v++) {
      long t = total(v);
      if (t != clocks[v]) {
        throw new IllegalStateException("cost accounts of vcpu" + v + " sum to " + t + " ns but its clock is at "
            + clocks[v] + " ns: some time advanced without a charge");
      }
    }
  }

  /** Time of {@code vcpu} by category and principal ({@code cpu.compute.user} → ns), non-zero entries only. */
  public java.util.Map<String, Long> byCategory(int vcpu) {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    for (int c = 0; c < categories.size(); c++) {
      for (int pr = 0; pr < Principal.NAMES.size(); pr++) {
        long v = get(vcpu, c, pr);
        if (v != 0) {
          m.put(categories.get(c) + "." + Principal.NAMES.get(pr), v);
        }
      }
    }
    return m;
  }
}
